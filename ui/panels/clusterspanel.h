#pragma once

#include <QSet>
#include <QWidget>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;
class QTimer;

namespace loupe {

class ClusterStripDelegate;
class ProjectSession;
class ThumbnailCache;
struct ClusterRecord;
struct ClusterResults;

/**
 * What the failures share, most severe first: the failure patterns across classes and the
 * failure clusters (k-means on the embeddings, or density clusters of the map). Each row shows
 * a strip of its images (most typical members, then worst errors), its size, errors, error
 * rate against what its class mix predicts, severity, p-value, dominant classes and what sets
 * it apart from the rest of its classes. The default view puts the significant patterns above
 * the k-means clusters. Activating a row filters every panel to that group's samples (the map
 * highlights them).
 */
class ClustersPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClustersPanel)

public:
    ClustersPanel(ProjectSession &session, ThumbnailCache &thumbnails, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    /** Filters to the group shown in row; for tests and keyboard use. */
    void activateRow(int row);
    /** Shows "all" (patterns, then clusters), "pattern", "kmeans" or "density". */
    void setView(const QString &view);

    /** The group in row: its method ("pattern", "kmeans", "density") and id. */
    QString methodAt(int row) const;
    int clusterAt(int row) const;

Q_SIGNALS:
    /** The user picked a group (method "pattern", "kmeans" or "density"); its samples are now the filter. */
    void clusterActivated(const QString &method, int cluster);

private:
    enum Column {
        Rank,
        Group,
        Images,
        Size,
        Errors,
        ErrorRate,
        Expected,
        ExcessPerImage,
        Severity,
        PValue,
        Given,
        Predicted,
        Apart,
        Columns
    };

    QString view() const;
    const ClusterResults &results(const QString &method) const;
    void rebuild();
    void appendRow(const QString &method, const ClusterRecord &record);
    void onThumbnailReady(qint64 sample);

    ProjectSession &m_session;
    ThumbnailCache &m_thumbnails;
    QComboBox *m_view;
    QLabel *m_summary;
    QStandardItemModel *m_model;
    QTableView *m_table;
    ClusterStripDelegate *m_strips;
    QSet<qint64> m_stripSamples;
    QTimer *m_repaint; // coalesces thumbnail arrivals, and retries strips still decoding
};

} // namespace loupe
