#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

class QMenu;
class QWidget;

namespace loupe {

class ProjectSession;

/**
 * Opens projects for the window without blocking it: the project and its samples and
 * analysis load on a worker thread, then the session adopts them; the damage check
 * (it reads every page: seconds at a million samples) runs after the project is on
 * screen, with edits held until it passes, and a damaged file is closed unwritten.
 * Also keeps the Open Recent list.
 */
class ProjectOpener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectOpener)

public:
    ProjectOpener(ProjectSession &session, QWidget *window, QMenu *recentMenu);
    ~ProjectOpener() override;

    /** Opens path in the background (ignored while another open runs). */
    void open(const QString &path);
    /** Asks for a project file and opens it. */
    void choose();
    /** Blocks until a background open and its damage check have finished (tests, --self-test). */
    bool waitForOpen();

Q_SIGNALS:
    void opening(const QString &fileName);
    void opened();
    void openFailed(const QString &message);

private:
    struct Loaded;

    void onLoaded();
    void onVerified();
    void addRecent(const QString &path);
    void rebuildRecentMenu();

    ProjectSession &m_session;
    QWidget *m_window;
    QMenu *m_recentMenu;
    QFutureWatcher<std::shared_ptr<Loaded>> m_loader;
    QFutureWatcher<QString> m_verifier; // the damage check of the project just opened
    QString m_openingPath;
};

} // namespace loupe
