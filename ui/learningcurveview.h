#pragma once

#include "dataset/epochloss.h"

#include <QWidget>

#include <vector>

namespace loupe {

/**
 * The learning curve of a run: training and validation loss per epoch, with the epoch
 * of the lowest validation loss marked. A validation curve that turns up while the
 * training curve keeps falling is overfitting at a glance; two high flat curves are
 * underfitting. Painted directly: two polylines do not need a chart library.
 */
class LearningCurveView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LearningCurveView)

public:
    explicit LearningCurveView(QWidget *parent = nullptr);

    void setHistory(std::vector<EpochLoss> history);
    const std::vector<EpochLoss> &history() const { return m_history; }
    /** The epoch with the lowest validation loss, or 0 without validation losses. */
    int bestValidationEpoch() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Range
    {
        double low = 0.0;
        double high = 1.0;
    };

    Range lossRange() const;
    QRect plotRect() const;
    QPointF toWidget(const QRect &plot, const Range &range, double epoch, double loss) const;
    void paintAxes(QPainter &painter, const QRect &plot, const Range &range) const;
    void paintCurve(QPainter &painter, const QRect &plot, const Range &range, bool validation,
                    const QColor &color) const;
    void paintBestEpoch(QPainter &painter, const QRect &plot) const;
    void paintLegend(QPainter &painter, const QRect &plot) const;

    std::vector<EpochLoss> m_history;
};

} // namespace loupe
