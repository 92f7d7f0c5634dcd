#include "fixturedataset.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"
#include "import/loupefolderimporter.h"

#include <QDir>
#include <QFile>

namespace loupe::test {

namespace {

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(QStringLiteral("cannot write %1").arg(path));
    file.write(text);
}

} // namespace

void writeFixtureFolder(const QString &folder, const QStringList &classes,
                        const std::vector<FixtureSample> &samples)
{
    QDir dir(folder);
    dir.mkpath(QStringLiteral("images"));
    writeText(dir.filePath(QStringLiteral("classes.txt")), classes.join(QLatin1Char('\n')).toUtf8() + '\n');
    QByteArray csv = "id,image,label,split,weight\n";
    std::vector<float> probabilities;
    for (size_t i = 0; i < samples.size(); ++i) {
        const FixtureSample &sample = samples[i];
        const QString image = QStringLiteral("images/%1.png").arg(sample.id);
        writeText(dir.filePath(image), "not decoded by the importer");
        csv += (sample.id + QLatin1Char(',') + image + QLatin1Char(',') + sample.label + QLatin1Char(',') +
                sample.split + QLatin1Char(',') + QString::number(i * 0.5))
                   .toUtf8() +
               '\n';
        probabilities.insert(probabilities.end(), sample.probabilities.begin(), sample.probabilities.end());
    }
    writeText(dir.filePath(QStringLiteral("samples.csv")), csv);
    if (!probabilities.empty())
        writeNpy(dir.filePath(QStringLiteral("predictions.npy")), probabilities.data(),
                 qint64(samples.size()), qint64(classes.size()));
}

QString importFixture(const QString &folder, const QStringList &classes,
                      const std::vector<FixtureSample> &samples)
{
    const QString data = QDir(folder).filePath(QStringLiteral("data"));
    writeFixtureFolder(data, classes, samples);
    const QString project = QDir(folder).filePath(QStringLiteral("project.loupe"));
    Progress progress;
    LoupeFolderImporter(data).run(project, ImportOptions(), progress);
    return project;
}

QStringList smallFixtureClasses()
{
    return {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")};
}

std::vector<FixtureSample> smallFixture()
{
    // label  predicted  p(label)
    // cat    cat        0.7
    // cat    dog        0.2   (an error)
    // dog    dog        0.9
    // dog    fox        0.3   (an error)
    // fox    fox        0.8
    // -      dog        -     (unlabeled)
    return {
        {QStringLiteral("a"), QStringLiteral("cat"), QStringLiteral("train"), {0.7f, 0.2f, 0.1f}},
        {QStringLiteral("b"), QStringLiteral("cat"), QStringLiteral("train"), {0.2f, 0.7f, 0.1f}},
        {QStringLiteral("c"), QStringLiteral("dog"), QStringLiteral("train"), {0.05f, 0.9f, 0.05f}},
        {QStringLiteral("d"), QStringLiteral("dog"), QStringLiteral("test"), {0.1f, 0.3f, 0.6f}},
        {QStringLiteral("e"), QStringLiteral("fox"), QStringLiteral("test"), {0.1f, 0.1f, 0.8f}},
        {QStringLiteral("f"), QString(), QStringLiteral("test"), {0.2f, 0.5f, 0.3f}},
    };
}

} // namespace loupe::test
