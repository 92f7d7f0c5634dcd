#pragma once

#include "colormaps.h"

#include <QColor>
#include <QCoreApplication>
#include <QList>
#include <QString>

class QPainter;
class QPalette;
class QRect;

namespace loupe {

/** One row of the map's legend: a color swatch and its name. */
struct MapLegendEntry
{
    QString name;
    QColor color;
};

/**
 * The legend overlay of the embedding map: an optional title, swatches with names (categories)
 * and an optional color bar (a scalar colormap with its range), on a translucent panel in the
 * top-right corner. Rows that do not fit the height are summarised as "+N more".
 */
class MapLegend final
{
    Q_DECLARE_TR_FUNCTIONS(MapLegend)

public:
    void setEntries(const QList<MapLegendEntry> &entries, const QString &title);
    void setColorBar(Colormap map, float low, float high);
    void clearColorBar();
    bool isEmpty() const;

    /** Paints into the top-right corner of area, in the palette's window colors. */
    void paint(QPainter &painter, const QRect &area, const QPalette &palette) const;

private:
    QList<MapLegendEntry> m_entries;
    QString m_title;
    bool m_hasColorBar = false;
    Colormap m_colormap = Colormap::Viridis;
    float m_low = 0, m_high = 1;
};

} // namespace loupe
