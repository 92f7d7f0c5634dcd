#pragma once

#include "analysis/clustering/objectclusters.h"
#include "panelquery.h"

#include <QImage>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * A detection project's failure clusters (ObjectClusters), of one of three kinds:
 *  - missed objects: groups of annotated objects that look alike, the worst first by the misses
 *    beyond what their classes predict;
 *  - false boxes, when the run has box embeddings: groups of predicted boxes the model sees
 *    alike, the worst first by the wrong boxes beyond what their classes predict;
 *  - images with misses, when the run has image embeddings: groups of images the model sees
 *    alike, the worst first by the images with a missed object beyond what their classes predict.
 * Each group has its description and a strip of its failures cut from their images. Found off
 * the UI thread at the shipped threshold (score 0.25, IoU 0.5), again after box edits.
 * Clicking one shows the images of its failures in every panel.
 */
class ObjectClustersPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectClustersPanel(ProjectSession &session, QWidget *parent = nullptr);

    /** Which failures are grouped; the combo box's data. */
    enum class Side { MissedObjects, FalseBoxes, ImagesWithMisses };

    QTableView *table() const { return m_table; }
    QComboBox *sideBox() const { return m_side; }
    const ObjectClusters &clusters() const { return m_clusters; }
    /** Filters every panel to the images of the row's failures (missed objects or wrong boxes). */
    void activateRow(int row);
    /** Blocks until the clusters on their way are listed (tests). */
    void waitForClusters() { m_query.waitForIdle(); }

private:
    struct Found
    {
        ObjectClusters clusters;
        std::vector<qint64> imageOf; ///< per annotation (predicted box) index
        std::vector<bool> failed;    ///< per annotation (predicted box) index: missed (wrong)
        std::vector<QImage> strips;  ///< per cluster: its failed examples side by side
        bool hasBoxEmbeddings = false;
        bool hasImageEmbeddings = false;
    };

    void refresh();
    void showClusters(Found &found);
    void enableSides(bool boxEmbeddings, bool imageEmbeddings);
    QString summary(const Found &found) const;

    ProjectSession &m_session;
    QComboBox *m_side;
    QLabel *m_summary;
    QStandardItemModel *m_model;
    QTableView *m_table;
    ObjectClusters m_clusters;
    std::vector<qint64> m_imageOf;
    std::vector<bool> m_failed;
    PanelQuery<Found> m_query;
};

} // namespace loupe
