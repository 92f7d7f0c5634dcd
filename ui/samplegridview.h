#pragma once

#include <QListView>

namespace loupe {

class SampleGridDelegate;
class ThumbnailCache;

/**
 * The thumbnail grid: a uniform-size icon-mode QListView (virtualised: only visible
 * tiles are painted, so only they are decoded). Ctrl+wheel zooms; scrolling drops
 * queued decodes of tiles that went out of view.
 */
class SampleGridView final : public QListView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SampleGridView)

public:
    SampleGridView(ThumbnailCache &thumbnails, QWidget *parent = nullptr);

    /** Sample indices of the selected tiles, in row order. */
    QList<qint64> selectedSamples() const;
    void setTileSize(int imagePixels);
    int tileSize() const;

protected:
    void wheelEvent(QWheelEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    ThumbnailCache &m_thumbnails;
    SampleGridDelegate *m_delegate;
};

} // namespace loupe
