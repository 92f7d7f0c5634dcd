#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * The classification report of the open project: accuracy, per-class precision,
 * recall, F1 and support with macro and weighted averages, overall or for one split.
 * Recomputed (in milliseconds) whenever a label changes.
 */
class ReportPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportPanel)

public:
    explicit ReportPanel(ProjectSession &session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }

private:
    void refreshScopes();
    void refresh();

    ProjectSession &m_session;
    QComboBox *m_scope;
    QLabel *m_summary;
    QTableView *m_table;
    QStandardItemModel *m_model;
};

} // namespace loupe
