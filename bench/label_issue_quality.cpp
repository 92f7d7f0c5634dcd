// loupe-label-issue-quality: how well each label-issue signal finds the planted label flips of
// a demo folder (`loupe-cli demo DIR`), measured against its truth.csv.
//
//   loupe-label-issue-quality DIR/dataset [--neighbours K] [--weight W] [--exact]
//
// Prints a Markdown table: AUROC, average precision, precision and recall at K (K = number of
// flips) for each ranking, and precision / recall / F1 for each flagged set.

#include "analysis/labels/confidentlearning.h"
#include "analysis/labels/labelissueevaluation.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/csvreader.h"
#include "formats/npyfile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>

#include <cstdio>
#include <numeric>

using namespace loupe;

namespace {

struct DemoFolder
{
    qint64 rows = 0;
    int classes = 0;
    int dimensions = 0;
    std::vector<float> probabilities;
    std::vector<float> embeddings;
    std::vector<int> labels;
    std::vector<uint8_t> flipped;
};

QStringList readClasses(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read").arg(path));
    QStringList classes;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            classes << QString::fromUtf8(line.trimmed());
    }
    return classes;
}

DemoFolder readDemoFolder(const QString &folder)
{
    DemoFolder demo;
    const QStringList classes = readClasses(folder + QStringLiteral("/classes.txt"));
    demo.classes = int(classes.size());
    const NpyFile predictions(folder + QStringLiteral("/predictions.npy"));
    const NpyFile embeddings(folder + QStringLiteral("/embeddings.npy"));
    demo.rows = predictions.rows();
    demo.dimensions = int(embeddings.cols());
    demo.probabilities = predictions.readAll();
    demo.embeddings = embeddings.readAll();

    // samples.csv: id, image, label, ...; truth.csv: id, true_label, given_label, flipped.
    QHash<QString, qint64> rowOfId;
    std::vector<QString> fields;
    CsvReader samples(folder + QStringLiteral("/samples.csv"));
    samples.readRecord(fields);
    while (samples.readRecord(fields)) {
        rowOfId.insert(fields[0], qint64(demo.labels.size()));
        demo.labels.push_back(int(classes.indexOf(fields[2])));
    }
    demo.flipped.assign(demo.labels.size(), 0);
    CsvReader truth(folder + QStringLiteral("/truth.csv"));
    truth.readRecord(fields);
    while (truth.readRecord(fields))
        demo.flipped[size_t(rowOfId.value(fields[0]))] = fields[3] == QStringLiteral("1");
    if (qint64(demo.labels.size()) != demo.rows || embeddings.rows() != demo.rows)
        throw Error(
            QStringLiteral("%1: samples.csv, predictions.npy and embeddings.npy disagree on the row count")
                .arg(folder));
    return demo;
}

std::vector<float> modelScores(const DemoFolder &demo, bool margin)
{
    std::vector<float> scores(size_t(demo.rows));
    for (qint64 i = 0; i < demo.rows; ++i) {
        const float *p = demo.probabilities.data() + i * demo.classes;
        const int label = demo.labels[size_t(i)];
        scores[size_t(i)] = float(1.0 - (margin ? ConfidentLearning::normalizedMargin(p, demo.classes, label)
                                                : ConfidentLearning::selfConfidence(p, demo.classes, label)));
    }
    return scores;
}

void printRanking(const char *name, const RankingQuality &q)
{
    std::printf("| %s | %.4f | %.4f | %.4f | %.4f |\n", name, q.auroc, q.averagePrecision, q.precisionAtK,
                q.recallAtK);
}

void printFlagged(const char *name, const FlaggedSetQuality &q)
{
    std::printf("| %s | %lld | %.4f | %.4f | %.4f |\n", name, q.flagged, q.precision, q.recall, q.f1);
}

LabelIssues findIssues(const DemoFolder &demo, const KnnGraph *graph, LabelIssueParams params,
                       PruneMethod prune)
{
    Progress progress;
    params.confidentLearning.prune = prune;
    return LabelIssueFinder(params).run(demo.probabilities.data(), demo.rows, demo.classes, demo.labels,
                                        graph, progress);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Label-issue ranking quality on a demo folder with truth.csv"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("neighbours"), QStringLiteral("Voting neighbours (default 15)."),
                      QStringLiteral("K")});
    parser.addOption(
        {QStringLiteral("weight"), QStringLiteral("Neighbour weight (default 0.4)."), QStringLiteral("W")});
    parser.addOption(
        {QStringLiteral("exact"), QStringLiteral("Exact kNN graph instead of the automatic choice.")});
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The demo's dataset folder."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(1);

    try {
        const DemoFolder demo = readDemoFolder(parser.positionalArguments().first());
        LabelIssueParams params;
        if (parser.isSet(QStringLiteral("neighbours")))
            params.neighbours = parser.value(QStringLiteral("neighbours")).toInt();
        if (parser.isSet(QStringLiteral("weight")))
            params.neighbourWeight = parser.value(QStringLiteral("weight")).toDouble();
        KnnParams knn;
        if (parser.isSet(QStringLiteral("exact")))
            knn.method = KnnParams::Method::Exact;

        Progress progress;
        QElapsedTimer timer;
        timer.start();
        const KnnGraph graph = allNearestNeighbors(demo.embeddings.data(), demo.rows, demo.dimensions,
                                                   params.neighbours, knn, progress);
        const qint64 graphMs = timer.restart();
        const LabelIssues model = findIssues(demo, nullptr, params, PruneMethod::ByNoiseRate);
        const LabelIssues both = findIssues(demo, &graph, params, PruneMethod::ByNoiseRate);
        const qint64 issuesMs = timer.elapsed();

        const auto &truth = demo.flipped;
        std::printf("%lld samples, %d classes, %lld flipped labels; kNN graph (k = %d) %lld ms, label issues "
                    "%lld ms\n\n",
                    demo.rows, demo.classes, std::accumulate(truth.begin(), truth.end(), qint64(0)),
                    params.neighbours, graphMs, issuesMs);
        std::printf("| ranking | AUROC | AP | P@K | R@K |\n|---|---|---|---|---|\n");
        printRanking("self-confidence (= loss)",
                     LabelIssueEvaluation::evaluateRanking(modelScores(demo, false), truth));
        printRanking("normalized margin (model alone)",
                     LabelIssueEvaluation::evaluateRanking(model.issueScore, truth));
        std::vector<float> disagreement(size_t(demo.rows));
        for (size_t i = 0; i < disagreement.size(); ++i)
            disagreement[i] = 1.0f - both.neighbourAgreement[i];
        printRanking("neighbours alone (1 - label share)",
                     LabelIssueEvaluation::evaluateRanking(disagreement, truth));
        printRanking("issue_score: model + neighbours",
                     LabelIssueEvaluation::evaluateRanking(both.issueScore, truth));

        std::printf("\n| flagged set | flagged | precision | recall | F1 |\n|---|---|---|---|---|\n");
        std::vector<uint8_t> disagrees(size_t(demo.rows));
        for (qint64 i = 0; i < demo.rows; ++i) {
            const float *p = demo.probabilities.data() + i * demo.classes;
            disagrees[size_t(i)] = int(std::max_element(p, p + demo.classes) - p) != demo.labels[size_t(i)];
        }
        printFlagged("argmax != given label", LabelIssueEvaluation::evaluateFlagged(disagrees, truth));
        printFlagged("CL prune_by_noise_rate, model alone",
                     LabelIssueEvaluation::evaluateFlagged(model.isIssue, truth));
        printFlagged("is_issue: CL prune_by_noise_rate, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(both.isIssue, truth));
        printFlagged("CL prune_by_class, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(
                         findIssues(demo, &graph, params, PruneMethod::ByClass).isIssue, truth));
        printFlagged("CL both, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(
                         findIssues(demo, &graph, params, PruneMethod::Both).isIssue, truth));
    } catch (const Error &error) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
