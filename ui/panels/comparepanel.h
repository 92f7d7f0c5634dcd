#pragma once

#include "report/runcomparison.h"

#include "panelquery.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * Before and after: two runs of the project compared on the current labels (accuracy,
 * macro F1, per-class F1, the error rate of each failure cluster and slice of the before
 * run), with the samples fixed and regressed, and the label issues no longer flagged, one
 * click away in every panel. The comparison runs on a worker thread.
 */
class ComparePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComparePanel)

public:
    explicit ComparePanel(ProjectSession &session, QWidget *parent = nullptr);
    ~ComparePanel() override;

    /** Compares the runs chosen in the two boxes. */
    void compare();
    /** Blocks until a comparison in flight has finished (tests). */
    void waitForComparison();
    bool hasComparison() const { return m_comparison != nullptr; }
    const RunComparison &comparison() const { return *m_comparison; }
    QComboBox *beforeBox() const { return m_before; }
    QComboBox *afterBox() const { return m_after; }
    QString summaryText() const;
    QTableView *classTable() const { return m_classTable; }
    QTableView *groupTable() const { return m_groupTable; }
    QPushButton *fixedButton() const { return m_showFixed; }
    QPushButton *regressedButton() const { return m_showRegressed; }
    QPushButton *resolvedButton() const { return m_showResolved; }

private:
    void refreshRuns();
    void onComparisonFinished(std::shared_ptr<RunComparison> &comparison);
    void onComparisonFailed(const QString &error);
    void showClasses();
    void showGroups();
    void showSamples(const QString &description, const std::vector<qint64> &samples);
    void updateButtons();

    ProjectSession &m_session;
    QComboBox *m_before;
    QComboBox *m_after;
    QPushButton *m_compare;
    QLabel *m_summary;
    QStandardItemModel *m_classModel;
    QTableView *m_classTable;
    QStandardItemModel *m_groupModel;
    QTableView *m_groupTable;
    QPushButton *m_showFixed;
    QPushButton *m_showRegressed;
    QPushButton *m_showResolved;
    std::shared_ptr<RunComparison> m_comparison;
    PanelQuery<std::shared_ptr<RunComparison>> m_query;
};

} // namespace loupe
