#include "projectsession.h"

#include "common/error.h"
#include "metrics/samplescores.h"
#include "relabelcommand.h"
#include "reviewcommand.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QUndoStack>

namespace loupe {

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
    connect(m_labels.get(), &LabelRepository::labelsChanged, this, [this](const QList<LabelChange> &changes) {
        applyToTable(changes);
        refreshAnalysis(changes);
        Q_EMIT labelsChanged(changes);
    });
    Q_EMIT opened();
}

void ProjectSession::close()
{
    if (!m_project)
        return;
    m_undoStack->clear();
    m_verifying = false;
    m_labels.reset();
    m_reviews.reset();
    m_project.reset();
    m_table = SampleTable();
    m_analysis = AnalysisResults();
    m_filterDescription.clear();
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

void ProjectSession::setVerifying(bool verifying)
{
    m_verifying = verifying && m_project;
}

bool ProjectSession::refuseWhileVerifying()
{
    if (!m_verifying)
        return false;
    Q_EMIT editFailed(
        QStringLiteral("The project file is still being checked for damage; edits are possible in a "
                       "moment."));
    return true;
}

bool ProjectSession::isReadOnly() const
{
    return m_project && m_project->isReadOnly();
}

bool ProjectSession::relabel(const QList<qint64> &samples, int newLabel)
{
    if (!m_project)
        return false;
    if (m_project->isReadOnly()) {
        Q_EMIT editFailed(QStringLiteral("Labels cannot be changed: %1.").arg(m_project->readOnlyReason()));
        return false;
    }
    if (refuseWhileVerifying())
        return false;
    QList<LabelChange> changes;
    for (qint64 sample : samples) {
        const int old = m_table.labels[size_t(sample)];
        if (old != newLabel)
            changes.append({sample, old, newLabel});
    }
    if (changes.isEmpty())
        return false;
    m_undoStack->push(new RelabelCommand(*m_labels, changes, m_table.classNames,
                                         [this](const QString &message) { Q_EMIT editFailed(message); }));
    return true;
}

bool ProjectSession::setReview(const QList<qint64> &samples, ReviewStatus status)
{
    if (!m_project)
        return false;
    if (m_project->isReadOnly()) {
        Q_EMIT editFailed(QStringLiteral("Samples cannot be marked: %1.").arg(m_project->readOnlyReason()));
        return false;
    }
    if (refuseWhileVerifying())
        return false;
    QList<ReviewChange> changes;
    for (qint64 sample : samples) {
        const ReviewStatus old = m_table.review[size_t(sample)];
        if (old != status)
            changes.append({sample, old, status});
    }
    if (changes.isEmpty())
        return false;
    m_undoStack->push(new ReviewCommand(
        *m_reviews, changes, [this](const QList<ReviewChange> &written) { applyReviews(written); },
        [this](const QString &message) { Q_EMIT editFailed(message); }));
    return true;
}

void ProjectSession::applyReviews(const QList<ReviewChange> &changes)
{
    QList<qint64> samples;
    for (const ReviewChange &change : changes) {
        m_table.review[size_t(change.sample)] = change.newStatus;
        samples.append(change.sample);
    }
    Q_EMIT reviewsChanged(samples);
}

void ProjectSession::applyToTable(const QList<LabelChange> &changes)
{
    // The repository has recomputed the scores in the project; mirror them for the run in view.
    ArrayStore arrays(m_project->database());
    const bool haveProbabilities =
        m_table.hasPredictions() && arrays.shape(m_table.runId, QStringLiteral("probabilities")).has_value();
    for (const LabelChange &change : changes) {
        const auto i = size_t(change.sample);
        m_table.labels[i] = change.newLabel;
        if (!haveProbabilities)
            continue;
        const std::vector<float> row =
            arrays.readRow(m_table.runId, QStringLiteral("probabilities"), change.sample);
        const SampleScores scores = computeSampleScores(row.data(), int(row.size()), change.newLabel);
        m_table.loss[i] = float(scores.loss);
        m_table.margin[i] = float(scores.margin);
    }
}

} // namespace loupe

namespace loupe {

void ProjectSession::refreshAnalysis(const QList<LabelChange> &changes)
{
    // The repository's AnalysisUpdater has rewritten these samples' scores and the cluster
    // and slice counts in the same transaction; read back only what changed.
    std::vector<qint64> samples;
    for (const LabelChange &change : changes)
        samples.push_back(change.sample);
    m_analysis.refresh(*m_project, samples);
}

void ProjectSession::setFilter(const QString &description, std::vector<qint64> samples)
{
    m_filterMask.assign(size_t(m_table.size()), 0);
    m_filterCount = 0;
    for (const qint64 sample : samples) {
        if (sample >= 0 && sample < m_table.size() && !m_filterMask[size_t(sample)]) {
            m_filterMask[size_t(sample)] = 1;
            ++m_filterCount;
        }
    }
    m_filterDescription = description.isEmpty() ? QStringLiteral("filter") : description;
    Q_EMIT filterChanged();
}

void ProjectSession::clearFilter()
{
    if (!hasFilter())
        return;
    m_filterDescription.clear();
    m_filterMask.clear();
    m_filterCount = 0;
    Q_EMIT filterChanged();
}

std::vector<qint64> ProjectSession::filteredSamples() const
{
    std::vector<qint64> samples;
    samples.reserve(size_t(filteredCount()));
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
