#include "samplegridmodel.h"

#include "analysis/labels/annotationneighbours.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/rankorder.h"
#include "projectsession.h"
#include "detection/annotationerrors.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "thumbnailcache.h"

#include <algorithm>
#include <cmath>

namespace loupe {

SampleGridModel::SampleGridModel(ProjectSession &session, ThumbnailCache &thumbnails, QObject *parent)
    : QAbstractListModel(parent), m_session(session), m_thumbnails(thumbnails),
      m_imageScoreQuery(
          this,
          [this](std::vector<double> &scores) {
              m_imageScores = std::move(scores);
              rebuild();
          },
          [](const QString &) {})
{
    connect(&session, &ProjectSession::opened, this, &SampleGridModel::loadObjectCounts);
    connect(&session, &ProjectSession::closed, this, &SampleGridModel::loadObjectCounts);
    connect(&session, &ProjectSession::opened, this, &SampleGridModel::rebuild);
    connect(&session, &ProjectSession::closed, this, &SampleGridModel::rebuild);
    connect(&session, &ProjectSession::analysisReloaded, this, &SampleGridModel::rebuild);
    connect(&session, &ProjectSession::filterChanged, this, &SampleGridModel::rebuild);
    connect(&session, &ProjectSession::samplesEdited, this, &SampleGridModel::onSamplesEdited);
    connect(&thumbnails, &ThumbnailCache::thumbnailReady, this, &SampleGridModel::onThumbnailReady);
    loadObjectCounts();
    rebuild();
}

int SampleGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SampleGridModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const SampleTable &table = m_session.table();
    const qint64 sample = m_rows[size_t(index.row())];
    const auto i = size_t(sample);
    const int label = table.labels[i];
    const int predicted = table.predicted[i];
    switch (role) {
    case Qt::DisplayRole:
        return table.ids.at(sample);
    case Qt::DecorationRole:
        return m_thumbnails.thumbnail(sample);
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2\nlabel: %3\npredicted: %4 (%5%)\nloss: %6")
            .arg(table.ids.at(sample), table.images.at(sample),
                 label < 0 ? QStringLiteral("(unlabeled)") : table.classNames.value(label),
                 predicted < 0 ? QStringLiteral("-") : table.classNames.value(predicted))
            .arg(double(table.confidence[i]) * 100.0, 0, 'f', 1)
            .arg(double(table.loss[i]), 0, 'f', 3);
    case SampleRole:
        return sample;
    case LabelRole:
        if (!m_objectCounts.empty()) { // a detection image: what it holds, not a class
            const int objects = i < m_objectCounts.size() ? m_objectCounts[i] : 0;
            return objects == 1 ? tr("1 object") : tr("%1 objects").arg(objects);
        }
        return label < 0 ? QString() : table.classNames.value(label);
    case PredictedRole:
        return predicted < 0 ? QString() : table.classNames.value(predicted);
    case ConfidenceRole:
        return double(table.confidence[i]);
    case LossRole:
        return double(table.loss[i]);
    case IsErrorRole:
        return table.isError(sample);
    case EditedRole:
        return table.isEdited(sample);
    case IssueScoreRole: {
        if (!m_imageScores.empty())
            return i < m_imageScores.size() ? m_imageScores[i] : qQNaN();
        const auto &scores = issues().issueScore;
        return i < scores.size() ? double(scores[i]) : qQNaN();
    }
    case IsIssueRole:
        if (!m_imageScores.empty()) // a suspected annotation error worth a look
            return i < m_imageScores.size() && m_imageScores[i] >= 0.5;
        return issues().isFlagged(sample);
    case SuggestedRole: {
        const int suggestion = issues().suggestion(sample);
        return suggestion >= 0 && suggestion != label ? table.classNames.value(suggestion) : QString();
    }
    case ReviewRole:
        return i < table.review.size() ? int(table.review[i]) : 0;
    default:
        return {};
    }
}

void SampleGridModel::setOrder(Order order)
{
    if (order == m_order)
        return;
    m_order = order;
    rebuild();
}

int SampleGridModel::rowOf(qint64 sample) const
{
    return sample >= 0 && size_t(sample) < m_rowOfSample.size() ? m_rowOfSample[size_t(sample)] : -1;
}

void SampleGridModel::loadObjectCounts()
{
    m_objectCounts.clear();
    m_imageScores.clear();
    m_imageScoreQuery.invalidate();
    if (!m_session.isOpen() || m_session.project()->task() != ProjectTask::Detection)
        return;
    m_objectCounts = DetectionStore(m_session.project()->database()).objectCounts(m_session.table().size());
    // The images most likely to hold an annotation error first, as label issues lead for classification;
    // a second on a million boxes, so off the UI thread.
    m_imageScoreQuery.request(m_session.project()->path(), [](ProjectReader &reader) {
        Project &project = reader.project();
        const int run = project.latestRunId();
        if (run < 0)
            return std::vector<double>();
        const DetectionStore store(project.database());
        const DetectionSet set = store.load(run);
        return findAnnotationErrors(set, store.boxEvidence(run)).imageScores(set);
    });
}

void SampleGridModel::rebuild()
{
    beginResetModel();
    m_rows = m_session.filteredSamples();
    const SampleTable &table = m_session.table();
    if (!m_imageScores.empty() && m_order == Order::IssueScore) { // a detection project
        const std::vector<double> &scores = m_imageScores;
        std::stable_sort(m_rows.begin(), m_rows.end(), [&scores](qint64 a, qint64 b) {
            return size_t(a) < scores.size() && size_t(b) < scores.size() &&
                   scores[size_t(a)] > scores[size_t(b)];
        });
    }
    // Without issue scores (the analysis has not run) the loss is the next best ranking.
    const std::vector<float> &issueScores = issues().issueScore;
    const Order order = m_order == Order::IssueScore && issueScores.empty() ? Order::Loss : m_order;
    if (order == Order::IssueScore)
        sortDescendingNaNLast(m_rows, issueScores);
    else if (order == Order::Loss)
        sortDescendingNaNLast(m_rows, table.loss);
    else if (order == Order::Confidence)
        sortDescendingNaNLast(m_rows, table.confidence);
    m_rowOfSample.assign(size_t(table.size()), -1);
    for (size_t row = 0; row < m_rows.size(); ++row)
        m_rowOfSample[size_t(m_rows[row])] = int(row);
    endResetModel();
}

void SampleGridModel::onSamplesEdited(const QList<qint64> &samples)
{
    // Rows keep their place after an edit, so the tile under the user's eyes does not jump.
    for (const qint64 sample : samples) {
        const int row = rowOf(sample);
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row));
    }
}

const LabelIssueResults &SampleGridModel::issues() const
{
    return m_session.analysis().get<LabelIssueResults>();
}

void SampleGridModel::onThumbnailReady(qint64 sample)
{
    const int row = rowOf(sample);
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole});
}

} // namespace loupe
