#pragma once

#include "metrics/classificationreport.h"

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
    /** The headline: accuracy, macro F1, mean loss and the fit diagnosis (rich text). */
    QString summaryText() const;
    /** The split the report covers (an index into SampleTable::splitNames), -1 for all samples. */
    int splitIndex() const;

Q_SIGNALS:
    /** The report was recomputed (open, label change, scope change); empty when there is none. */
    void reportChanged(const loupe::ClassificationReport &report);

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
