#pragma once

#include "panelquery.h"
#include "storage/metadatavalues.h"

#include <QWidget>

#include <memory>

#include <vector>

class QComboBox;
class QLabel;
class QStackedLayout;

namespace loupe {

class EmbeddingMapView;
class MapThumbnailSource;
struct MetadataValues;
class ProjectSession;

/**
 * The 2-D map of the embeddings (UMAP, or coordinates imported with the run): every
 * sample as a point, colored by error, loss, issue score, given or predicted class,
 * cluster, edited state or any metadata column. Samples outside the active filter turn gray; a lasso or
 * rectangle selection becomes the shared selection, and a selection made elsewhere
 * shows here. Zoomed in, the samples show as their images (MapThumbnailSource).
 */
class MapPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MapPanel)

public:
    enum class ColorBy { Error, Loss, IssueScore, Label, Predicted, Cluster, Pattern, Edited, Metadata };
    Q_ENUM(ColorBy)

    explicit MapPanel(ProjectSession &session, QWidget *parent = nullptr);

    EmbeddingMapView *view() const { return m_view; }
    void setColorBy(ColorBy colorBy);
    /** Colors by a metadata column (loaded on a worker thread); colorByReady() follows. */
    void setColorByMetadata(const QString &column);
    /**
     * Highlights the samples on the map (a failure cluster): drawn over the others, which are
     * dimmed, and named by label; an empty list removes it. A selection, while there is one,
     * is what stands out instead.
     */
    void highlight(const std::vector<qint64> &samples, const QString &label);

    /** The hover tooltip of a sample: its image, id, labels and issue score (rich text). */
    QString toolTipFor(qint64 sample) const;

Q_SIGNALS:
    /** The map shows the chosen coloring (metadata columns arrive asynchronously). */
    void colorByReady();

private:
    void reload();
    void loadMetadata(const QString &column);
    void onMetadataLoaded(const MetadataValues &values);
    void recolor();
    void colorCategories(std::vector<int> category, const QStringList &names);
    void colorScalar(std::vector<float> values, const QString &title);
    void onSessionSelection(const QObject *origin);
    void updatePriorities();

    ProjectSession &m_session;
    QComboBox *m_colorBy;
    QLabel *m_placeholder;
    QStackedLayout *m_stack;
    EmbeddingMapView *m_view;
    std::shared_ptr<MapThumbnailSource> m_thumbnails; // shared with the view
    PanelQuery<MetadataValues> m_metadata;
};

} // namespace loupe
