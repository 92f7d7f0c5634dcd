#include "taskprogresswidget.h"

#include "backgroundtask.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace loupe {

TaskProgressWidget::TaskProgressWidget(BackgroundTask &task, QWidget *parent)
    : QWidget(parent), m_task(task), m_label(new QLabel(this)), m_bar(new QProgressBar(this)),
      m_cancel(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_bar->setFixedWidth(160);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop this work; nothing half-done is kept"));
    m_cancel->setAutoRaise(true);
    hide();

    connect(&task, &BackgroundTask::started, this, &TaskProgressWidget::onStarted);
    connect(&task, &BackgroundTask::progressed, this, &TaskProgressWidget::onProgressed);
    connect(&task, &BackgroundTask::finished, this, &QWidget::hide);
    connect(m_cancel, &QToolButton::clicked, this, &TaskProgressWidget::onCancelClicked);
}

QString TaskProgressWidget::text() const
{
    return m_label->text();
}

int TaskProgressWidget::value() const
{
    return m_bar->value();
}

void TaskProgressWidget::onStarted(const QString &title)
{
    m_label->setText(title + QStringLiteral("…"));
    m_bar->setValue(0);
    m_cancel->setEnabled(true);
    show();
}

void TaskProgressWidget::onProgressed(double fraction, const QString &step)
{
    if (m_task.isCancelling())
        return;
    m_label->setText(QStringLiteral("%1: %2").arg(m_task.title(), step));
    m_bar->setValue(int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000.0)));
}

void TaskProgressWidget::onCancelClicked()
{
    m_task.cancel();
    m_cancel->setEnabled(false);
    m_label->setText(tr("Cancelling %1…").arg(m_task.title()));
}

} // namespace loupe
