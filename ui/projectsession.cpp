#include "projectsession.h"

#include "common/hugepages.h"
#include "analysis/pipeline/filterselection.h"
#include "boxfixcommand.h"
#include "changesamplevalues.h"
#include "common/error.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QCoreApplication>
#include <QUndoStack>

#include <cmath>

namespace loupe {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ProjectSession", text);
}

QString relabelText(const QList<LabelChange> &changes, const QStringList &classNames)
{
    const QString target = classNames.value(changes.first().newValue, tr("(unlabeled)"));
    if (changes.size() == 1)
        return tr("Relabel as %1").arg(target);
    return tr("Relabel %1 samples as %2").arg(changes.size()).arg(target);
}

QString reviewText(const QList<ReviewChange> &changes)
{
    const ReviewStatus status = changes.first().newValue;
    const QString what =
        status == ReviewStatus::None ? tr("Clear mark") : tr("Mark %1").arg(reviewStatusName(status));
    return changes.size() == 1 ? what : tr("%1 of %2 samples").arg(what).arg(changes.size());
}

} // namespace

ProjectSession::ProjectSession(QObject *parent) : QObject(parent), m_undoStack(new QUndoStack(this)) {}

ProjectSession::~ProjectSession() = default;

void ProjectSession::open(const QString &path)
{
    auto project = Project::open(path);
    SampleTable table = loadSampleTable(*project);
    AnalysisResults analysis = AnalysisResults::load(*project, table.runId, table.size());
    adopt(std::move(project), std::move(table), std::move(analysis));
}

void ProjectSession::adopt(std::unique_ptr<Project> project, SampleTable table, AnalysisResults analysis)
{
    close();
    m_project = std::move(project);
    m_table = std::move(table);
    m_analysis = std::move(analysis);
    m_labels = std::make_unique<LabelRepository>(*m_project);
    m_reviews = std::make_unique<ReviewRepository>(*m_project);
    Q_EMIT opened();
}

void ProjectSession::close()
{
    if (!m_project)
        return;
    m_undoStack->clear();
    m_editHolds.clear();
    m_labels.reset();
    m_reviews.reset();
    m_project.reset();
    m_table = SampleTable();
    m_analysis = AnalysisResults();
    m_filter = SampleFilter();
    m_filterMask.clear();
    m_filterCount = 0;
    m_selection.clear();
    Q_EMIT closed();
}

void ProjectSession::reloadAnalysis(AnalysisResults analysis)
{
    if (!m_project)
        return;
    m_analysis = std::move(analysis);
    Q_EMIT analysisReloaded();
}

void ProjectSession::holdEdits(const QString &reason)
{
    if (m_project)
        m_editHolds.append(reason);
}

void ProjectSession::releaseEdits(const QString &reason)
{
    m_editHolds.removeOne(reason);
}

bool ProjectSession::isReadOnly() const
{
    return m_project && m_project->isReadOnly();
}

bool ProjectSession::mayEdit(const QString &what)
{
    if (!m_project)
        return false;
    if (m_project->isReadOnly()) {
        Q_EMIT editFailed(tr("%1 cannot be changed: %2.").arg(what, m_project->readOnlyReason()));
        return false;
    }
    if (!m_editHolds.isEmpty()) {
        Q_EMIT editFailed(m_editHolds.first());
        return false;
    }
    return true;
}

bool ProjectSession::relabel(const QList<qint64> &samples, int newLabel)
{
    if (!mayEdit(tr("Labels")))
        return false;
    if (m_project->task() == ProjectTask::Detection) {
        // An image of a detection project has no class of its own: its labels are its boxes.
        Q_EMIT editFailed(tr("A detection project's labels are its boxes: relabel them in the Boxes tab or "
                             "in the image's details."));
        return false;
    }
    QList<LabelChange> changes;
    for (const qint64 sample : samples) {
        const int old = m_table.labels[size_t(sample)];
        if (old != newLabel)
            changes.append({sample, old, newLabel});
    }
    if (changes.isEmpty())
        return false;
    m_undoStack->push(new ChangeSampleValues<LabelField, ProjectSession>(
        *this, changes, relabelText(changes, m_table.classNames)));
    return true;
}

bool ProjectSession::changeBoxes(const QList<BoxChange> &changes, const QString &text)
{
    if (changes.isEmpty() || !mayEdit(tr("Boxes")))
        return false;
    // Set by the command when its redo (called by push) is written; shared, as undo calls it later.
    const auto written = std::make_shared<bool>(false);
    auto *command = new BoxFixCommand(
        *m_project, changes, text,
        [this, written](const QList<qint64> &images) {
            *written = true;
            Q_EMIT boxesEdited(images);
            Q_EMIT samplesEdited(images);
        },
        [this](const QString &message) { Q_EMIT editFailed(message); });
    m_undoStack->push(command);
    return *written;
}

bool ProjectSession::setReview(const QList<qint64> &samples, ReviewStatus status)
{
    if (!mayEdit(tr("Samples")))
        return false;
    QList<ReviewChange> changes;
    for (const qint64 sample : samples) {
        const ReviewStatus old = m_table.review[size_t(sample)];
        if (old != status)
            changes.append({sample, old, status});
    }
    if (changes.isEmpty())
        return false;
    m_undoStack->push(
        new ChangeSampleValues<ReviewField, ProjectSession>(*this, changes, reviewText(changes)));
    return true;
}

template<> EditRepository<LabelField> &ProjectSession::repository<LabelField>()
{
    return *m_labels;
}

template<> EditRepository<ReviewField> &ProjectSession::repository<ReviewField>()
{
    return *m_reviews;
}

template<> void ProjectSession::mirror<LabelField>(const EditResult<int> &result)
{
    // The repository recomputed the edited samples' scores in every run; read back the run in view.
    auto scores = m_project->database().prepare(
        QStringLiteral("SELECT loss, margin FROM predictions WHERE run_id = ? AND sample_index = ?"));
    for (const LabelChange &change : result.changes) {
        const auto i = size_t(change.sample);
        m_table.labels[i] = change.newValue;
        if (!m_table.hasPredictions())
            continue;
        scores.reset();
        scores.bind(1, m_table.runId).bind(2, change.sample);
        if (scores.step()) {
            m_table.loss[i] = scores.isNull(0) ? NAN : float(scores.columnDouble(0));
            m_table.margin[i] = scores.isNull(1) ? NAN : float(scores.columnDouble(1));
        }
    }
}

template<> void ProjectSession::mirror<ReviewField>(const EditResult<ReviewStatus> &result)
{
    for (const ReviewChange &change : result.changes)
        m_table.review[size_t(change.sample)] = change.newValue;
}

template<typename Field>
bool ProjectSession::applyEdit(const QList<SampleChange<typename Field::Value>> &targets,
                               const EditStamp &stamp)
{
    if (!m_project)
        return false;
    EditResult<typename Field::Value> result;
    try {
        result = repository<Field>().apply(targets, stamp);
    } catch (const Error &error) {
        Q_EMIT editFailed(error.message());
        return false;
    }
    if (result.isEmpty())
        return true;
    mirror<Field>(result);
    std::vector<qint64> touched = result.editedSamples();
    touched.insert(touched.end(), result.rescored.begin(), result.rescored.end());
    // The edit hooks rewrote these samples' stored analysis and the ranked tables in the
    // edit's transaction; read back only what changed.
    m_analysis.refresh(*m_project, touched);
    Q_EMIT samplesEdited(QList<qint64>(touched.begin(), touched.end()));
    return true;
}

template bool ProjectSession::applyEdit<LabelField>(const QList<LabelChange> &, const EditStamp &);
template bool ProjectSession::applyEdit<ReviewField>(const QList<ReviewChange> &, const EditStamp &);

void ProjectSession::setFilter(const SampleFilter &filter)
{
    setFilter(filter, selectSamples(filter, m_table, m_analysis));
}

void ProjectSession::setFilter(const SampleFilter &filter, std::vector<qint64> samples)
{
    m_filterMask.assign(size_t(m_table.size()), 0);
    m_filterCount = 0;
    for (const qint64 sample : samples) {
        if (sample >= 0 && sample < m_table.size() && !m_filterMask[size_t(sample)]) {
            m_filterMask[size_t(sample)] = 1;
            ++m_filterCount;
        }
    }
    m_filter = filter;
    Q_ASSERT(filter.kind != SampleFilter::Kind::None); // clearFilter() shows all samples
    if (m_filter.description.isEmpty())
        m_filter.description = tr("filter");
    Q_EMIT filterChanged();
}

void ProjectSession::clearFilter()
{
    if (!hasFilter())
        return;
    m_filter = SampleFilter();
    m_filterMask.clear();
    m_filterCount = 0;
    Q_EMIT filterChanged();
}

std::vector<qint64> ProjectSession::filteredSamples() const
{
    std::vector<qint64> samples;
    reserveLarge(samples, size_t(filteredCount()));
    for (qint64 i = 0; i < m_table.size(); ++i) {
        if (isInFilter(i))
            samples.push_back(i);
    }
    return samples;
}

qint64 ProjectSession::filteredCount() const
{
    return hasFilter() ? m_filterCount : m_table.size();
}

void ProjectSession::setSelection(const QList<qint64> &samples, const QObject *origin)
{
    // Sizes first: Qt 6.4's QList == passes a null pointer to memcmp for two empty lists (UBSan).
    if (samples.size() == m_selection.size() && (samples.isEmpty() || samples == m_selection))
        return;
    m_selection = samples;
    Q_EMIT selectionChanged(origin);
}

} // namespace loupe
