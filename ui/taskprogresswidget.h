#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace loupe {

class BackgroundTask;

/**
 * The status-bar face of a BackgroundTask: its title and current step, a progress bar
 * and a Cancel button. Hidden while nothing runs, so it costs no space.
 */
class TaskProgressWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskProgressWidget)

public:
    explicit TaskProgressWidget(BackgroundTask &task, QWidget *parent = nullptr);

    QString text() const;
    int value() const;
    QToolButton *cancelButton() const { return m_cancel; }

private:
    void onStarted(const QString &title);
    void onProgressed(double fraction, const QString &step);
    void onCancelClicked();

    BackgroundTask &m_task;
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_cancel;
};

} // namespace loupe
