#pragma once

#include "panelquery.h"

#include <QAbstractListModel>

#include <vector>

namespace loupe {

struct LabelIssueResults;
class ProjectSession;
class ThumbnailCache;

/**
 * The samples of the open project that pass the session's filter, as a flat list in a
 * chosen order (most likely label errors first by default). Rows map to sample indices through one compact
 * array, so a million samples cost 8 MB; thumbnails come from the ThumbnailCache on demand.
 */
class SampleGridModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SampleGridModel)

public:
    enum Roles {
        SampleRole = Qt::UserRole + 1, // qint64 sample index
        LabelRole,                     // QString, empty when unlabeled
        PredictedRole,                 // QString, empty without predictions
        ConfidenceRole,                // double, NaN without predictions
        LossRole,                      // double, NaN when unlabeled or without predictions
        IsErrorRole,                   // bool: a model error (SampleState::isError)
        EditedRole,                    // bool: label differs from the imported one
        IssueScoreRole,                // double in [0, 1], NaN when not analysed
        IsIssueRole,                   // bool: flagged as a likely label error
        SuggestedRole,                 // QString: the label the analysis suggests, or empty
        ReviewRole,                    // int: the ReviewStatus mark
        CaptionRole,                   // QString: a second line in place of the prediction (box grid)
    };
    enum class Order { IssueScore, Loss, Confidence, Id };

    SampleGridModel(ProjectSession &session, ThumbnailCache &thumbnails, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    void setOrder(Order order);
    Order order() const { return m_order; }
    qint64 sampleAt(int row) const { return m_rows[size_t(row)]; }
    /** The row showing sample, or -1. */
    int rowOf(qint64 sample) const;
    /** Blocks until a detection project's image scores, on their way, are in (tests). */
    void waitForImageScores() { m_imageScoreQuery.waitForIdle(); }

private:
    void rebuild();
    void loadObjectCounts();
    void onSamplesEdited(const QList<qint64> &samples);
    void onThumbnailReady(qint64 sample);
    const LabelIssueResults &issues() const;

    ProjectSession &m_session;
    ThumbnailCache &m_thumbnails;
    Order m_order = Order::IssueScore;
    std::vector<qint64> m_rows;      // row -> sample
    std::vector<int> m_rowOfSample;  // sample -> row
    std::vector<int> m_objectCounts; // per sample of a detection project: its annotated objects; else empty
    /** Per image of a detection project: its strongest suspected annotation error (0-1); empty until known.
     */
    std::vector<double> m_imageScores;
    PanelQuery<std::vector<double>> m_imageScoreQuery;
};

} // namespace loupe
