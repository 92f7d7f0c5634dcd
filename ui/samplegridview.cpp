#include "samplegridview.h"

#include "samplegriddelegate.h"
#include "samplegridmodel.h"
#include "thumbnailcache.h"

#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>

namespace loupe {

namespace {
constexpr int kMinTile = 48;
constexpr int kMaxTile = 256;
} // namespace

SampleGridView::SampleGridView(ThumbnailCache &thumbnails, QWidget *parent)
    : QListView(parent), m_thumbnails(thumbnails), m_delegate(new SampleGridDelegate(this))
{
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionRectVisible(true);
    setSpacing(2);
    setItemDelegate(m_delegate);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(false);
    setTileSize(112);
}

QList<qint64> SampleGridView::selectedSamples() const
{
    QModelIndexList indexes = selectionModel() ? selectionModel()->selectedIndexes() : QModelIndexList();
    std::sort(indexes.begin(), indexes.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<qint64> samples;
    for (const QModelIndex &index : indexes)
        samples << index.data(SampleGridModel::SampleRole).toLongLong();
    return samples;
}

void SampleGridView::setTileSize(int imagePixels)
{
    imagePixels = std::clamp(imagePixels, kMinTile, kMaxTile);
    m_delegate->setImageSize(imagePixels);
    const qreal ratio = devicePixelRatioF();
    m_thumbnails.setThumbnailSize(QSize(int(imagePixels * ratio), int(imagePixels * ratio)));
    verticalScrollBar()->setSingleStep(imagePixels / 3);
    // Uniform item sizes are cached by the view; a new delegate size needs a relayout.
    doItemsLayout();
    viewport()->update();
}

int SampleGridView::tileSize() const
{
    return m_delegate->imageSize();
}

void SampleGridView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        if (steps != 0)
            setTileSize(tileSize() + steps * 16);
        event->accept();
        return;
    }
    QListView::wheelEvent(event);
}

void SampleGridView::scrollContentsBy(int dx, int dy)
{
    m_thumbnails.forgetPending();
    QListView::scrollContentsBy(dx, dy);
}

} // namespace loupe
