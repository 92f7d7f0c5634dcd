#pragma once

#include "boxgridmodel.h"
#include "edits/boxeditrepository.h"
#include "panelquery.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace loupe {

class ProjectSession;
class SampleGridView;
class ThumbnailCache;

/**
 * A detection project's boxes as a grid of crops: annotations and the model's boxes, each
 * outlined in its verdict's color and captioned with its class and verdict, the likeliest
 * errors first (or grouped by type). Filters: which boxes (annotations, predictions, both),
 * errors only or a single verdict, one class; a score threshold below which the model's
 * boxes are left out (matching them again, off the UI thread).
 *
 * The keyboard flow of the image grid: arrows move, the current box's image shows in every
 * panel (Enter opens its details); 1-9 and 0 give the selected annotations that class (or add
 * the selected predictions as annotations of it), Delete removes the selected annotations, A
 * applies each selected box's suggested fix (a prediction's: add it, when it is overlooked). Each
 * is one audited edit on the app's undo stack; the boxes are judged again after it and the
 * current row stays where it was, so the next box is under the cursor.
 */
class BoxGridPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit BoxGridPanel(ProjectSession &session, QWidget *parent = nullptr);
    ~BoxGridPanel() override;

    SampleGridView *view() const { return m_view; }
    BoxGridModel *model() const { return m_model; }
    QDoubleSpinBox *minScoreBox() const { return m_minScore; }
    QComboBox *verdictBox() const { return m_verdict; }
    QComboBox *showBox() const { return m_show; }
    QComboBox *orderBox() const { return m_order; }
    QString summary() const;

    /** What the keys do, for the selected boxes; each returns whether an edit was written. */
    bool relabelSelected(int category);
    /** L: relabels the selection to a class found by typing its name (ClassPickerDialog). */
    bool pickClassForSelected();
    bool deleteSelected();
    bool acceptSelected();

    /** Blocks until the boxes on their way are listed (tests). */
    void waitForBoxes() { m_query.waitForIdle(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    using Boxes = std::shared_ptr<const BoxGridData>;

    QWidget *createControls();
    void refresh();
    void showBoxes(Boxes &boxes);
    void applyFilter();
    void fillVerdicts();
    QList<int> selectedRows() const;
    bool edit(const QList<BoxChange> &changes, const QString &text);

    ProjectSession &m_session;
    std::unique_ptr<ThumbnailCache> m_crops;
    BoxGridModel *m_model;
    SampleGridView *m_view;
    QComboBox *m_show;
    QComboBox *m_verdict;
    QComboBox *m_class;
    QComboBox *m_order;
    QDoubleSpinBox *m_minScore;
    QLabel *m_summary;
    int m_restoreRow = -1; // the current row to return to once the boxes are judged again
    PanelQuery<Boxes> m_query;
};

} // namespace loupe
