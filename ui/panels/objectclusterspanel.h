#pragma once

#include "analysis/clustering/objectclusters.h"
#include "panelquery.h"

#include <QImage>
#include <QWidget>

#include <vector>

class QLabel;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * A detection project's failure clusters of objects (ObjectClusters): groups of annotated
 * objects that look alike, the worst first by the misses beyond what their classes predict,
 * each with its description and a strip of its missed objects cut from their images. Found
 * off the UI thread at the shipped threshold (score 0.25, IoU 0.5), again after box edits.
 * Clicking one shows the images of its missed objects in every panel.
 */
class ObjectClustersPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectClustersPanel(ProjectSession &session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    const ObjectClusters &clusters() const { return m_clusters; }
    /** Filters every panel to the images of the row's missed objects. */
    void activateRow(int row);
    /** Blocks until the clusters on their way are listed (tests). */
    void waitForClusters() { m_query.waitForIdle(); }

private:
    struct Found
    {
        ObjectClusters clusters;
        std::vector<qint64> imageOf; ///< per annotation index
        std::vector<bool> missed;    ///< per annotation index
        std::vector<QImage> strips;  ///< per cluster: its missed examples side by side
    };

    void refresh();
    void showClusters(Found &found);

    ProjectSession &m_session;
    QLabel *m_summary;
    QStandardItemModel *m_model;
    QTableView *m_table;
    ObjectClusters m_clusters;
    std::vector<qint64> m_imageOf;
    std::vector<bool> m_missed;
    PanelQuery<Found> m_query;
};

} // namespace loupe
