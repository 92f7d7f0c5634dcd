#pragma once

#include "analysis/maps/objectmap.h"
#include "panelquery.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;

namespace loupe {

class EmbeddingMapView;
class ProjectSession;

/**
 * A detection project's map (ObjectMap), of one of three kinds of points:
 *  - the annotated objects, placed by what their pixels show, colored found or missed (at the
 *    shipped score) or by class;
 *  - the predicted boxes at the shipped score, placed by the model's box embeddings, colored by
 *    their error type (TIDE's) or class, when the run has box embeddings;
 *  - the images, placed by the run's image embeddings, colored by what went wrong in them
 *    (objects missed, false boxes, both) or by their most common class, when it has them.
 * Where errors gather is a pattern of failure. Hover for a point's class and outcome; a
 * rectangle or lasso (the map's tools) shows the images of the points selected in every panel.
 * Computed off the UI thread, again after box edits.
 */
class ObjectMapPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectMapPanel(ProjectSession &session, QWidget *parent = nullptr);

    /** What the points are; the combo box's data. */
    enum class Points { Objects, PredictedBoxes, Images };

    EmbeddingMapView *view() const { return m_view; }
    QComboBox *pointsBox() const { return m_points; }
    QComboBox *colorByBox() const { return m_colorBy; }
    const ObjectMap &map() const { return m_map; }
    /** Each point's outcome, in map order: an index into the legend of outcomes (0 is right). */
    const std::vector<int> &outcomes() const { return m_outcome; }
    /** Blocks until the map on its way is shown (tests). */
    void waitForMap() { m_query.waitForIdle(); }

private:
    struct Computed
    {
        Points points = Points::Objects;
        ObjectMap map;
        std::vector<int> outcome;
        std::vector<int> category; ///< -1: none
        std::vector<qint64> image;
        bool hasBoxEmbeddings = false;
        bool hasImageEmbeddings = false;
    };

    Points currentPoints() const;
    void refresh();
    void showMap(Computed &computed);
    void enablePoints(bool boxEmbeddings, bool imageEmbeddings);
    void recolor();
    void showImagesOf(const std::vector<qint64> &points);
    QString outcomeName(int outcome) const;

    ProjectSession &m_session;
    QComboBox *m_points;
    QComboBox *m_colorBy;
    QLabel *m_summary;
    EmbeddingMapView *m_view;
    Points m_shown = Points::Objects;
    ObjectMap m_map;
    std::vector<int> m_outcome;
    std::vector<int> m_category;
    std::vector<qint64> m_image;
    PanelQuery<Computed> m_query;
};

} // namespace loupe
