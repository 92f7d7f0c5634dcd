#pragma once

#include "detection/annotationerrors.h"
#include "panelquery.h"

#include <QImage>
#include <QWidget>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * A detection project's suspected annotation errors, strongest first, each with its fix:
 * overlooked objects (add the model's box), wrong classes (relabel), badly placed boxes
 * (move) and spurious annotations (delete). Selecting one shows its image in every panel;
 * A (or Accept fix) applies the fix as one audited, undoable edit (Ctrl+Z takes it back),
 * and the list is found again. Computed off the UI thread.
 */
class AnnotationErrorsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit AnnotationErrorsPanel(ProjectSession &session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    /** The suggestions listed, in row order. */
    const std::vector<AnnotationSuggestion> &suggestions() const { return m_suggestions; }
    /** Applies the fix of the suggestion in row (what A does). Returns false when nothing was written. */
    bool acceptFix(int row);
    /** Blocks until the suggestions on their way are listed (tests). */
    void waitForSuggestions() { m_query.waitForIdle(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Found
    {
        std::vector<AnnotationSuggestion> suggestions;
        std::vector<qint64> boxIds; ///< the box_id of each annotation, by DetectionStore order
        std::vector<QImage> crops;  ///< of the suggestions listed: the box in its surroundings
    };

    void refresh();
    void show(Found &found);
    QString fixText(const AnnotationSuggestion &s) const;

    ProjectSession &m_session;
    QLabel *m_summary;
    QTableView *m_table;
    QStandardItemModel *m_model;
    QPushButton *m_accept;
    std::vector<AnnotationSuggestion> m_suggestions;
    std::vector<qint64> m_boxIds;
    PanelQuery<Found> m_query;
};

} // namespace loupe
