#include "import/loupefolderimporter.h"

#include "common/error.h"
#include "common/progress.h"
#include "common/sqlidentifier.h"
#include "dataset/stringcolumn.h"
#include "formats/csvbatchreader.h"
#include "formats/npyfile.h"
#include "import/idlinetable.h"
#include "import/imagecheckbatch.h"
#include "import/imagepathchecker.h"
#include "import/importproblems.h"
#include "import/metadatatyping.h"
#include "import/projectwriter.h"
#include "import/runfiles.h"
#include "import/stagedrows.h"
#include "storage/batchedinsert.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QStringDecoder>

#include <cmath>
#include <future>
#include <memory>
#include <optional>

namespace loupe {

namespace {

const QString kClassesFile = QStringLiteral("classes.txt");
const QString kSamplesFile = QStringLiteral("samples.csv");
// What RunFiles::writeScores() writes.
const QStringList kScoreTables = {QStringLiteral("predictions"), QStringLiteral("arrays"),
                                  QStringLiteral("array_chunks")};

QStringList readClasses(const QString &folder, ImportProblems &problems)
{
    QFile file(QDir(folder).filePath(kClassesFile));
    if (!file.open(QIODevice::ReadOnly)) {
        problems.add(kClassesFile, 0, file.exists() ? file.errorString() : QStringLiteral("missing"));
        return {};
    }
    QStringList names;
    QHash<QString, int> seen;
    // Checked, not QString::fromUtf8(): that would quietly turn a Latin-1 "café" into "caf\uFFFD".
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (i == 0 && line.startsWith("\xEF\xBB\xBF"))
            line.remove(0, 3);
        const QString name = QString(utf8.decode(line)).trimmed();
        if (utf8.hasError()) {
            problems.add(kClassesFile, i + 1, QStringLiteral("invalid UTF-8 text (save the file as UTF-8)"));
            utf8.resetState();
            continue;
        }
        const bool lastLine = i == lines.size() - 1;
        if (name.isEmpty()) {
            if (!lastLine)
                problems.add(kClassesFile, i + 1, QStringLiteral("empty class name"));
            continue;
        }
        if (seen.contains(name))
            problems.add(
                kClassesFile, i + 1,
                QStringLiteral("class \"%1\" is already on line %2").arg(name).arg(seen.value(name)));
        seen.insert(name, i + 1);
        names << name;
    }
    if (names.isEmpty() && problems.isEmpty())
        problems.add(kClassesFile, 0, QStringLiteral("lists no classes"));
    return names;
}

/** Column layout of samples.csv, worked out from its header. */
struct SamplesLayout
{
    int columnCount = 0;
    int id = -1;
    int image = -1;
    int label = -1;
    int split = -1;
    QList<int> metadataSources; // CSV column of each metadata column
    QList<MetadataColumn> metadata;
};

SamplesLayout parseHeader(const std::vector<QString> &header, ImportProblems &problems, QStringList &notes)
{
    SamplesLayout layout;
    layout.columnCount = int(header.size());
    const QStringList reserved = ProjectSchema::reservedColumnNames();
    QSet<QString> seen;
    // Lower-cased stored name -> CSV name: "loss" (stored as "meta_loss") and "meta_loss" cannot share.
    QHash<QString, QString> storedAs;
    for (int c = 0; c < layout.columnCount; ++c) {
        const QString name = header[size_t(c)].trimmed();
        if (name.isEmpty()) {
            problems.add(kSamplesFile, 1, QStringLiteral("column %1 has no name").arg(c + 1));
            continue;
        }
        if (seen.contains(name.toLower())) {
            problems.add(kSamplesFile, 1, QStringLiteral("column \"%1\" appears twice").arg(name));
            continue;
        }
        seen.insert(name.toLower());
        if (name == QLatin1String("id"))
            layout.id = c;
        else if (name == QLatin1String("image"))
            layout.image = c;
        else if (name == QLatin1String("label"))
            layout.label = c;
        else if (name == QLatin1String("split"))
            layout.split = c;
        else {
            QString stored = name;
            if (reserved.contains(name.toLower())) {
                stored = QStringLiteral("meta_") + name;
                notes << QStringLiteral(
                             "%1: metadata column \"%2\" is stored as \"%3\" (the name is reserved)")
                             .arg(kSamplesFile, name, stored);
            }
            if (storedAs.contains(stored.toLower())) {
                problems.add(
                    kSamplesFile, 1,
                    QStringLiteral("metadata columns \"%1\" and \"%2\" would both be stored as \"%3\"")
                        .arg(storedAs.value(stored.toLower()), name, stored));
                continue;
            }
            storedAs.insert(stored.toLower(), name);
            layout.metadataSources << c;
            layout.metadata.append({stored, MetadataColumn::Type::Integer});
        }
    }
    for (const auto &[index, name] :
         {std::pair{layout.id, "id"}, {layout.image, "image"}, {layout.label, "label"}}) {
        if (index < 0)
            problems.add(kSamplesFile, 1,
                         QStringLiteral("missing required column \"%1\"").arg(QLatin1String(name)));
    }
    return layout;
}

/**
 * What the one pass over samples.csv keeps of each sample, to be written once the whole
 * file has been checked (the metadata's types are known only then): UTF-8 columns, about
 * the file's own size.
 */
struct SamplesScan
{
    SamplesLayout layout;
    StringColumn ids;
    StringColumn images;                // cleaned, as stored
    StringColumn splits;                // trimmed; empty for none
    std::vector<StringColumn> metadata; // the values as written, one column per metadata column
    std::vector<int> labels;            // -1 for unlabeled
    qint64 unlabeled = 0;
};

/**
 * QString::trimmed() of UTF-8 text, without decoding it in the common case: ASCII white
 * space is cut from the bytes, and only a value that then starts or ends in a non-ASCII
 * character (which may be a Unicode space) is trimmed as a QString, into spare.
 */
QByteArrayView trimmedUtf8(QByteArrayView utf8, QByteArray &spare)
{
    const auto isAsciiSpace = [](char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    };
    while (!utf8.isEmpty() && isAsciiSpace(utf8.front()))
        utf8 = utf8.sliced(1);
    while (!utf8.isEmpty() && isAsciiSpace(utf8.back()))
        utf8.chop(1);
    if (utf8.isEmpty() || (uchar(utf8.front()) < 0x80 && uchar(utf8.back()) < 0x80))
        return utf8;
    spare = QString::fromUtf8(utf8).trimmed().toUtf8();
    return spare;
}

// The hash IdLineTable keeps of an id.
quint64 idHash(QByteArrayView id)
{
    return qHash(id, size_t(0x9e3779b97f4a7c15ull));
}

/** Pass 1's checks of one record of samples.csv, on its UTF-8 bytes; idHashOf is idHash() of its id. */
void scanRecord(const CsvRecord &fields, quint64 idHashOf, qint64 line, SamplesLayout &layout,
                const QHash<QByteArray, int> &classIndex, IdLineTable &idLines,
                ImageCheckBatch &pendingImages, SamplesScan &scan, ImportProblems &problems)
{
    if (int(fields.size()) != layout.columnCount) {
        if (fields.size() == 1 && fields[0].isEmpty())
            problems.add(kSamplesFile, line, QStringLiteral("empty line"));
        else
            problems.add(kSamplesFile, line,
                         QStringLiteral("has %1 fields; the header has %2")
                             .arg(fields.size())
                             .arg(layout.columnCount));
        scan.labels.push_back(-1);
        return;
    }
    // Kept only while the file is sound: a file with problems is never written.
    const bool keep = problems.isEmpty();
    const QByteArrayView id = fields[layout.id];
    if (id.isEmpty())
        problems.add(kSamplesFile, line, QStringLiteral("empty id"));
    if (const qint64 first = idLines.firstLineOrAdd(idHashOf, line); first >= 0)
        problems.add(kSamplesFile, line,
                     QStringLiteral("id \"%1\" is already on line %2").arg(QString::fromUtf8(id)).arg(first));

    const QByteArrayView image = fields[layout.image];
    pendingImages.add(line, image);
    if (keep) {
        scan.ids.appendUtf8(id);
        if (ImagePathChecker::isCleanRelative(image))
            scan.images.appendUtf8(image);
        else
            scan.images.append(QDir::cleanPath(QString::fromUtf8(image)));
        QByteArray spare;
        scan.splits.appendUtf8(layout.split >= 0 ? trimmedUtf8(fields[layout.split], spare)
                                                 : QByteArrayView());
    }

    const QByteArrayView label = fields[layout.label];
    int labelIndex = -1;
    if (label.isEmpty()) {
        ++scan.unlabeled;
    } else {
        // Not copied: the key only lives for the look-up.
        labelIndex = classIndex.value(QByteArray::fromRawData(label.data(), label.size()), -1);
        if (labelIndex < 0)
            problems.add(
                kSamplesFile, line,
                QStringLiteral("unknown class \"%1\" (not in classes.txt)").arg(QString::fromUtf8(label)));
    }
    scan.labels.push_back(labelIndex);
    for (int m = 0; m < layout.metadata.size(); ++m) {
        const QByteArrayView value = fields[layout.metadataSources.at(m)];
        widenMetadataType(layout.metadata[m], value);
        if (keep)
            scan.metadata[size_t(m)].appendUtf8(value);
    }
}

SamplesScan scanSamples(const QString &folder, const QStringList &classes, ImportProblems &problems,
                        QStringList &notes, Progress &progress)
{
    SamplesScan scan;
    const QString path = QDir(folder).filePath(kSamplesFile);
    if (!QFileInfo::exists(path)) {
        problems.add(kSamplesFile, 0, QStringLiteral("missing"));
        return scan;
    }
    CsvBatchReader reader(path);
    if (!reader.hasHeader()) {
        problems.add(kSamplesFile, 0, QStringLiteral("is empty; expected a header line with id,image,label"));
        return scan;
    }
    scan.layout = parseHeader(reader.header(), problems, notes);
    if (!problems.isEmpty())
        return scan;
    scan.metadata.resize(size_t(scan.layout.metadata.size()));

    QHash<QByteArray, int> classIndex; // by the name's UTF-8 bytes
    for (int i = 0; i < classes.size(); ++i)
        classIndex.insert(classes.at(i).toUtf8(), i);
    const ImagePathChecker images(folder);
    ImageCheckBatch pendingImages(images, problems, kSamplesFile);
    // 64-bit hashes of the ids seen so far, with their line: a million ids in 32 MB.
    IdLineTable idLines;
    SamplesLayout &layout = scan.layout;

    CsvBatch batch;
    std::vector<quint64> hashes;
    while (reader.next(batch) && !problems.isFull()) {
        progress.throwIfCancelled();
        progress.setProgress(batch.bytesRead, reader.fileSize());
        if (idLines.size() == 0 && batch.bytesRead > 0) {
            // Room for the whole file's ids, estimated from the first batch: growing the table
            // a million entries long rehashed it again and again (1.5 % of a 1M import's time).
            const double rows =
                double(reader.fileSize()) / double(batch.bytesRead) * double(batch.records.size());
            idLines.reserve(size_t(rows * 1.1));
        }
        // The ids' hashes first, so that each record's slot of the id table is fetched from
        // memory while the records before it are checked.
        hashes.resize(batch.records.size());
        for (size_t r = 0; r < batch.records.size(); ++r) {
            const CsvRecord &record = batch.records[r];
            hashes[r] = record.size() > layout.id ? idHash(record[layout.id]) : 0;
        }
        constexpr size_t kPrefetchAhead = 16;
        for (size_t r = 0; r < std::min(kPrefetchAhead, hashes.size()); ++r)
            idLines.prefetch(hashes[r]);
        for (size_t r = 0; r < batch.records.size(); ++r) {
            if (r + kPrefetchAhead < hashes.size())
                idLines.prefetch(hashes[r + kPrefetchAhead]);
            scanRecord(batch.records[r], hashes[r], batch.lines[r], layout, classIndex, idLines,
                       pendingImages, scan, problems);
        }
    }
    pendingImages.finish();
    if (scan.labels.empty() && problems.isEmpty())
        problems.add(kSamplesFile, 0, QStringLiteral("has a header but no samples"));
    return scan;
}

/** Writes the samples and their metadata that scanSamples() kept, all checked. */
void writeSamples(const SamplesScan &scan, SqliteDatabase &db, Progress &progress)
{
    const SamplesLayout &layout = scan.layout;
    const qint64 samples = scan.ids.size();
    BatchedInsert insertSample(db, QStringLiteral("samples"),
                               {QStringLiteral("sample_index"), QStringLiteral("id"), QStringLiteral("image"),
                                QStringLiteral("label"), QStringLiteral("original_label"),
                                QStringLiteral("split")},
                               samples);
    QStringList metadataColumns{QStringLiteral("sample_index")};
    for (const MetadataColumn &column : layout.metadata)
        metadataColumns << column.name;
    BatchedInsert insertMetadata(db, QStringLiteral("sample_metadata"), metadataColumns, samples);
    for (qint64 sample = 0; sample < samples; ++sample) {
        if (sample % 16384 == 0) {
            progress.throwIfCancelled();
            progress.setProgress(sample, samples);
        }
        insertSample.bind(1, sample).bindUtf8(2, scan.ids.utf8(sample)).bindUtf8(3, scan.images.utf8(sample));
        const int label = scan.labels[size_t(sample)];
        if (label < 0)
            insertSample.bindNull(4).bindNull(5);
        else
            insertSample.bind(4, qint64(label)).bind(5, qint64(label));
        if (const QByteArrayView split = scan.splits.utf8(sample); split.isEmpty())
            insertSample.bindNull(6);
        else
            insertSample.bindUtf8(6, split);
        insertSample.endRow();

        insertMetadata.bind(1, sample);
        for (int m = 0; m < layout.metadata.size(); ++m)
            bindMetadataValue(insertMetadata.statement(), insertMetadata.parameter(m + 2),
                              layout.metadata.at(m), scan.metadata[size_t(m)].utf8(sample));
        insertMetadata.endRow();
    }
}

/**
 * Creates the new project and writes the run's arrays into it (RunFiles::addRunWithArrays)
 * on a thread of its own, while samples.csv is checked: they need nothing from it, and the
 * check leaves a core mostly idle. The files' rows are checked against the samples later;
 * a mismatch, like any other failure, drops the unfinished project. Cancels and waits for
 * the thread when it goes, whatever happened.
 */
class ProjectStartedAside
{
public:
    ProjectStartedAside(const QString &path, bool overwrite, const RunFiles *run, const QString &runName,
                        int classes, const Progress &cancellation)
    {
        m_progress.followCancellationOf(cancellation);
        m_done = std::async(std::launch::async, [=, this] {
            m_writer = std::make_unique<ProjectWriter>(path, overwrite);
            if (run)
                m_runId = run->addRunWithArrays(m_writer->project(), runName, classes, {}, m_progress);
        });
    }
    ~ProjectStartedAside()
    {
        if (m_done.valid()) {
            m_progress.cancel();
            m_done.wait();
        }
    }
    ProjectStartedAside(const ProjectStartedAside &) = delete;
    ProjectStartedAside &operator=(const ProjectStartedAside &) = delete;

    /** Waits for the thread and hands over the project; throws what the thread threw. */
    std::unique_ptr<ProjectWriter> take(int &runId)
    {
        m_done.get();
        runId = m_runId;
        return std::move(m_writer);
    }

private:
    Progress m_progress;
    std::unique_ptr<ProjectWriter> m_writer;
    int m_runId = -1;
    std::future<void> m_done;
};

} // namespace

LoupeFolderImporter::LoupeFolderImporter(const QString &folder)
    : m_folder(QFileInfo(folder).absoluteFilePath())
{
}

ImportSummary LoupeFolderImporter::run(const QString &projectPath, const ImportOptions &options,
                                       Progress &progress)
{
    if (!QFileInfo(m_folder).isDir())
        throw Error(QStringLiteral("%1: not a folder").arg(m_folder));
    ImportSummary summary;
    ImportProblems problems;

    progress.setStep(QStringLiteral("Checking %1").arg(kSamplesFile));
    const QStringList classes = readClasses(m_folder, problems);
    problems.throwIfAny();
    // Its problems are reported after those of samples.csv.
    ImportProblems fileProblems;
    const RunFiles run(m_folder, fileProblems);
    // The arrays are written while samples.csv is checked, when they can be read without
    // knowing the samples: every file there, and all of one length.
    std::optional<ProjectStartedAside> aside;
    if (fileProblems.isEmpty() && (!run.hasScores() || run.commonRows() >= 0))
        aside.emplace(projectPath, options.overwrite, run.hasScores() ? &run : nullptr, options.runName,
                      int(classes.size()), progress);
    const SamplesScan scan = scanSamples(m_folder, classes, problems, summary.notes, progress);
    problems.throwIfAny();
    fileProblems.throwIfAny();
    const auto samples = qint64(scan.labels.size());

    int runId = -1;
    const std::unique_ptr<ProjectWriter> writerOwner =
        aside ? aside->take(runId) : std::make_unique<ProjectWriter>(projectPath, options.overwrite);
    ProjectWriter &writer = *writerOwner;
    if (aside)
        writer.startFlushing(); // the arrays, while the rows are written
    SqliteDatabase &db = writer.project().database();
    writer.setDatasetRoot(m_folder);
    writer.project().setInfo(QStringLiteral("source_format"), QStringLiteral("loupe-folder"));
    writer.writeClasses(classes);
    writer.writeMetadataColumns(scan.layout.metadata);
    // SQLite writes a file from one connection at a time. When the run was added aside, its
    // predictions rows are written into a scratch database on a thread of their own while the
    // samples are written here, and moved in after.
    std::optional<StagedRows> predictions;
    if (run.hasScores() && runId >= 0)
        predictions.emplace(
            writer, kScoreTables,
            [&, runId](SqliteDatabase &scratch, Progress &staging) {
                run.writeScores(scratch, runId, int(classes.size()), scan.labels, {}, staging);
            },
            progress);
    progress.setStep(QStringLiteral("Writing samples"));
    // The arrays' values are checked on another thread while the samples are written: a bad
    // value still stops the import before anything is committed, and only the temporary file
    // is lost.
    ImportProblems runProblems;
    Progress checking;
    checking.followCancellationOf(progress);
    auto checked = std::async(std::launch::async,
                              [&] { run.check(samples, int(classes.size()), runProblems, checking); });
    try {
        writeSamples(scan, db, progress);
    } catch (...) {
        checking.cancel();
        checked.wait();
        throw;
    }
    checked.get();
    runProblems.throwIfAny();

    if (predictions) {
        progress.setStep(QStringLiteral("Writing predictions"));
        progress.throwIfCancelled();
        predictions->moveInto(writer);
    } else if (run.hasScores()) {
        runId = run.addRunWithArrays(writer.project(), options.runName, int(classes.size()), {}, progress);
        run.writeScores(db, runId, int(classes.size()), scan.labels, {}, progress);
    }
    progress.setStep(QStringLiteral("Finishing"));
    // The writing loops poll only every few thousand rows: a small import must not outrun a cancel.
    progress.throwIfCancelled();
    writer.commit();

    summary.samples = samples;
    summary.unlabeled = scan.unlabeled;
    summary.classes = int(classes.size());
    summary.metadata = scan.layout.metadata;
    summary.hasPredictions = run.hasScores();
    summary.hasEmbeddings = run.embeddings() != nullptr;
    summary.hasCoords = run.coords() != nullptr;
    summary.hasHistory = run.history().has_value();
    summary.notes << run.notes();
    return summary;
}

} // namespace loupe
