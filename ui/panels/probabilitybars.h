#pragma once

#include <vector>

#include <QStringList>
#include <QWidget>

namespace loupe {

/**
 * One sample's class probabilities as horizontal bars, most probable first: every class
 * when there are at most kAllClassesUpTo, else the top kTopCount (plus the given label's
 * class when it ranks lower, so the disagreement always shows). The predicted class's
 * bar is drawn in the palette's highlight colour and the given label's in amber; a
 * legend under the bars says which is which. Colours follow the palette, light or dark.
 */
class ProbabilityBars final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbabilityBars)

public:
    struct Bar
    {
        int classIndex = -1;
        float probability = 0.0f;
    };

    static constexpr int kAllClassesUpTo = 20;
    static constexpr int kTopCount = 10;

    explicit ProbabilityBars(QWidget *parent = nullptr);

    /** Shows probabilities (one per class, in class order); given and predicted may be -1. */
    void setProbabilities(const std::vector<float> &probabilities, const QStringList &classNames, int given,
                          int predicted);
    /** Shows message instead of bars (e.g. "No predictions"). */
    void clear(const QString &message = QString());

    /** All classes' probabilities, in class order, as last set. */
    const std::vector<float> &probabilities() const { return m_probabilities; }
    /** The bars drawn, top to bottom. */
    const std::vector<Bar> &bars() const { return m_bars; }
    int givenClass() const { return m_given; }
    int predictedClass() const { return m_predicted; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    void chooseBars();
    int rowHeight() const;
    int nameWidth() const;
    int valueWidth() const;
    QColor barColor(int classIndex) const;
    void paintBar(QPainter &painter, int row, const Bar &bar) const;
    void paintLegend(QPainter &painter, int top) const;

    std::vector<float> m_probabilities;
    QStringList m_classNames;
    std::vector<Bar> m_bars;
    int m_given = -1;
    int m_predicted = -1;
    QString m_message;
};

} // namespace loupe
