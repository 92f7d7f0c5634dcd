#pragma once

// The Loupe-folder importer's fixtures (tst_loupefolderimporter, tst_loupefolderproblems): good
// folders to vary (FolderSpec, folderspec.h) and a sandbox to import them in.

#include "common/progress.h"
#include "folderspec.h"
#include "import/loupefolderimporter.h"

#include <QMetaType>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

namespace loupe::test {

/** Three classes and four labelled samples (lines 2-5 of samples.csv), no model outputs. */
inline FolderSpec labelsOnlyFolder()
{
    return FolderSpec()
        .withFile(kClasses, "cat\ndog\nbird\n")
        .withFile(kSamples, "id,image,label\n"
                            "s1,img/s1.png,cat\n"
                            "s2,img/s2.png,dog\n"
                            "s3,img/s3.png,bird\n"
                            "s4,img/s4.png,cat\n")
        .withImage(QStringLiteral("img/s1.png"))
        .withImage(QStringLiteral("img/s2.png"))
        .withImage(QStringLiteral("img/s3.png"))
        .withImage(QStringLiteral("img/s4.png"));
}

// Row i is sample s(i+1): labels cat, dog, (none), bird.
inline const std::vector<float> kProbabilities = {
    0.7f, 0.2f, 0.1f, // s1, cat: right, loss -ln 0.7, margin 0.7 - 0.2
    0.6f, 0.3f, 0.1f, // s2, dog: predicted cat, loss -ln 0.3, margin 0.3 - 0.6
    0.1f, 0.1f, 0.8f, // s3, unlabeled: predicted bird, no loss or margin
    0.2f, 0.3f, 0.5f, // s4, bird: right, loss -ln 0.5, margin 0.5 - 0.3
};
inline const std::vector<float> kEmbeddingValues = {0.5f,  -1.0f, 2.0f, 3.0f, 4.0f,  5.0f,
                                                    -6.0f, 7.25f, 8.0f, 0.0f, 1e-3f, 1e6f};
inline const std::vector<float> kCoordValues = {0.0f, 1.0f, -2.5f, 3.0f, 4.0f, -5.0f, 6.125f, 7.0f};

/** Everything the format allows: splits, typed metadata, an unlabeled sample, model outputs. */
inline FolderSpec completeFolder()
{
    return labelsOnlyFolder()
        .withFile(kSamples, "id,image,label,split,age,weight,note,loss\n"
                            "s1,img/s1.png,cat,train,3,1.5,hello,0.1\n"
                            "s2,img/s2.png,dog,val,4,2,\"a, b\",0.2\n"
                            "s3,img/s3.png,,test,,3.25,x,\n"
                            "s4,img/s4.png,bird,,7,,\"\",0.4\n")
        .withArray(kPredictions, 4, 3, kProbabilities)
        .withArray(kEmbeddings, 4, 3, kEmbeddingValues)
        .withArray(kCoords, 4, 2, kCoordValues)
        .withFile(kHistory, "epoch,train_loss,val_loss,val_accuracy\n"
                            "1,0.9,1.25,0.5\n"
                            "2,0.5,0.75,\n");
}

/** Writes spec below folder, failing the test if that fails. */
#define WRITE_FOLDER(spec, folder)                                                                           \
    do {                                                                                                     \
        const QString problem_ = (spec).writeTo(folder);                                                     \
        QVERIFY2(problem_.isEmpty(), qPrintable(QStringLiteral("cannot write the fixture: ") + problem_));   \
    } while (false)

inline QStringList entriesOf(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                                  QDir::Name);
}

inline QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/**
 * A temporary root holding the dataset folder ("data"), the output folder ("out") and files
 * beside them for the paths and links that try to leave the dataset (outside.png,
 * outsidedir/x.png).
 */
class ImportSandbox
{
public:
    /** Empty on success, else what could not be set up. */
    QString setUp()
    {
        m_root = std::make_unique<QTemporaryDir>();
        if (!m_root->isValid() || !QDir(m_root->path()).mkpath(QStringLiteral("out")))
            return QStringLiteral("cannot create the temporary folders");
        return FolderSpec()
            .withImage(QStringLiteral("outside.png"))
            .withImage(QStringLiteral("outsidedir/x.png"))
            .writeTo(m_root->path());
    }
    void tearDown() { m_root.reset(); }

    QString filePath(const QString &name) const { return m_root->filePath(name); }
    QString dataFolder() const { return filePath(QStringLiteral("data")); }
    QString outputFolder() const { return filePath(QStringLiteral("out")); }
    QString projectPath() const { return QDir(outputFolder()).filePath(QStringLiteral("project.loupe")); }

    ImportSummary import(const QString &folder, bool overwrite = false) const
    {
        ImportOptions options;
        options.runName = QStringLiteral("resnet18");
        options.overwrite = overwrite;
        Progress progress;
        return LoupeFolderImporter(folder).run(projectPath(), options, progress);
    }
    /** The import's error message, or an empty string when the import succeeded. */
    QString importError(const QString &folder, bool overwrite = false) const
    {
        try {
            import(folder, overwrite);
        } catch (const Error &error) {
            return error.message();
        }
        return {};
    }

private:
    std::unique_ptr<QTemporaryDir> m_root;
};

} // namespace loupe::test

Q_DECLARE_METATYPE(loupe::test::FolderSpec)
