#pragma once

#include <QString>
#include <QWidget>

#include <vector>

namespace loupe {

/**
 * A precision-recall curve: precision (interpolated, as COCO reads it) against recall from 0
 * to 1, one value per recall point evenly spaced; the area under it is the AP.
 */
class PrCurveView final : public QWidget
{
    Q_OBJECT

public:
    explicit PrCurveView(QWidget *parent = nullptr);

    /** precision: one value per recall point (COCO: 101), empty when there is nothing to find. */
    void setCurve(const QString &title, std::vector<double> precision);
    const std::vector<double> &precision() const { return m_precision; }
    QString title() const { return m_title; }

    QSize sizeHint() const override { return {320, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    std::vector<double> m_precision;
};

} // namespace loupe
