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
 * A detection project's map of objects (ObjectMap): each annotated object a point, near the
 * objects that look like it, colored by whether the model found it (at the shipped score) or
 * by its class. Where missed objects gather is a pattern of failure. Hover for the object's
 * class and outcome; a rectangle or lasso (the map's tools) shows the images of the objects
 * selected in every panel. Computed off the UI thread, again after box edits.
 */
class ObjectMapPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectMapPanel(ProjectSession &session, QWidget *parent = nullptr);

    EmbeddingMapView *view() const { return m_view; }
    QComboBox *colorByBox() const { return m_colorBy; }
    const ObjectMap &map() const { return m_map; }
    /** Whether each mapped object was found, in map order. */
    const std::vector<bool> &found() const { return m_found; }
    /** Blocks until the map on its way is shown (tests). */
    void waitForMap() { m_query.waitForIdle(); }

private:
    struct Computed
    {
        ObjectMap map;
        std::vector<bool> found;
        std::vector<int> category;
        std::vector<qint64> image;
    };

    void refresh();
    void showMap(Computed &computed);
    void recolor();
    void showImagesOf(const std::vector<qint64> &points);

    ProjectSession &m_session;
    QComboBox *m_colorBy;
    QLabel *m_summary;
    EmbeddingMapView *m_view;
    ObjectMap m_map;
    std::vector<bool> m_found;
    std::vector<int> m_category;
    std::vector<qint64> m_image;
    PanelQuery<Computed> m_query;
};

} // namespace loupe
