#pragma once

#include <QPoint>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace loupe {

/**
 * A confusion-matrix heatmap painted with QPainter. Rows are the given label, columns the
 * predicted class (the layout of ClassificationReport::confusion). Off-diagonal cells (errors)
 * use a warm scale and the diagonal a cool one, so errors stand out even next to large correct
 * counts. Scales from 2 to about 100 classes: cell text and axis labels thin out when they no
 * longer fit, tooltips always work.
 *
 * Mouse: hover highlights the row and column; a click emits cellActivated(). Keyboard: arrows
 * move a focus cell, Home/End jump within the row, Enter/Return emits cellActivated().
 */
class ConfusionMatrixView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfusionMatrixView)

public:
    enum class Normalization {
        Counts,   ///< color by count; cells show counts
        RowShare, ///< color by share of the row (recall view); cells add the row percentage
    };
    Q_ENUM(Normalization)

    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    /**
     * counts[i][j] = samples given class i and predicted j. counts must be square with one row
     * per class name; anything else clears the view.
     */
    void setMatrix(const QStringList &classNames, const std::vector<std::vector<qint64>> &counts);
    void setNormalization(Normalization normalization);
    Normalization normalization() const { return m_normalization; }

    int classCount() const { return int(m_names.size()); }
    qint64 count(int actual, int predicted) const;
    /** count / row total, 0 for an empty row. */
    double rowShare(int actual, int predicted) const;

    /** The cell's rectangle in widget coordinates (empty for an invalid cell). */
    QRect cellRect(int actual, int predicted) const;
    /** The (actual, predicted) cell under a widget position, or (-1, -1). */
    QPoint cellAt(QPoint pos) const;
    /** The keyboard focus cell as (actual, predicted), or (-1, -1) when empty. */
    QPoint focusCell() const { return m_focus; }
    void setFocusCell(int actual, int predicted);

    /** What the cell shows, lines separated by '\n' (also when it is too small to draw it). */
    QString cellText(int actual, int predicted) const;
    /** "given X predicted Y: N samples (p% of X)". */
    QString cellToolTip(int actual, int predicted) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellActivated(int actualClass, int predictedClass);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    /** Where everything goes for the current size and font (logical pixels). */
    struct Layout
    {
        int n = 0;
        QRect grid;          // the cells; cell k spans [edge(k), edge(k + 1)) from the grid's top left
        double cell = 0;     // cell side; fractional for many classes so the grid fills the space
        int gap = 0;         // space between cells
        QRect rowHeaders;    // class names left of the grid
        QRect columnHeaders; // class names above the grid
        bool rotatedColumns = false;
        int labelStep = 1; // draw every labelStep-th class name when rows are thinner than text
        QRect givenTitle;  // rotated "given" axis title
        QRect predictedTitle;

        int edge(int k) const;
        QRect cellRect(int actual, int predicted) const;
        /** The row or column at an offset from the grid's top left (clamped to the grid). */
        int indexAt(int offset) const;
    };

    Layout layout() const;
    int maxNameWidth() const;
    QColor cellColor(int actual, int predicted) const;
    double heat(int actual, int predicted) const;
    QString shareText(double share) const;
    void setHover(QPoint cell);
    void moveFocus(int dRow, int dColumn);

    void paintCells(QPainter &painter, const Layout &l) const;
    void paintCellText(QPainter &painter, const Layout &l) const;
    void paintHeaders(QPainter &painter, const Layout &l) const;
    void paintHighlights(QPainter &painter, const Layout &l) const;

    QStringList m_names;
    std::vector<qint64> m_counts; // row-major n x n
    std::vector<qint64> m_rowTotals;
    qint64 m_maxDiagonal = 0, m_maxOffDiagonal = 0;
    double m_maxOffDiagonalShare = 0.0;
    Normalization m_normalization = Normalization::Counts;
    QPoint m_hover{-1, -1};
    QPoint m_focus{-1, -1};
    QPoint m_pressed{-1, -1};
};

} // namespace loupe
