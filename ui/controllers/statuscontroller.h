#pragma once

#include <QObject>

class QLabel;
class QMainWindow;

namespace loupe {

class ProjectSession;

/**
 * The window's title and status bar: the project's counts (SampleCounts: the same figures
 * as the reports and the CLI), read-only state, and the active filter with how many
 * samples it shows.
 */
class StatusController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusController)

public:
    StatusController(ProjectSession &session, QMainWindow *window);

    /** Says what is being opened until the project is there. */
    void showOpening(const QString &fileName);
    void update();

    QLabel *countsLabel() const { return m_counts; }

private:
    ProjectSession &m_session;
    QMainWindow *m_window;
    QLabel *m_counts;
    QLabel *m_filter;
};

} // namespace loupe
