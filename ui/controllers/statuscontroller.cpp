#include "controllers/statuscontroller.h"

#include "analysis/steps/labelissuesstep.h"
#include "dataset/samplecounts.h"
#include "projectsession.h"
#include "storage/project.h"

#include <QLabel>
#include <QLocale>
#include <QMainWindow>
#include <QStatusBar>

namespace loupe {

StatusController::StatusController(ProjectSession &session, QMainWindow *window)
    : QObject(window), m_session(session), m_window(window), m_counts(new QLabel(window)),
      m_filter(new QLabel(window))
{
    m_counts->setObjectName(QStringLiteral("statusCounts"));
    window->statusBar()->addWidget(m_counts, 1);
    window->statusBar()->addPermanentWidget(m_filter);
    for (const auto signal : {&ProjectSession::opened, &ProjectSession::closed,
                              &ProjectSession::filterChanged, &ProjectSession::analysisReloaded})
        connect(&session, signal, this, &StatusController::update);
    connect(&session, &ProjectSession::samplesEdited, this, &StatusController::update);
    update();
}

void StatusController::showOpening(const QString &fileName)
{
    m_counts->setText(tr("Opening %1…").arg(fileName));
}

void StatusController::update()
{
    const Project *project = m_session.project();
    m_window->setWindowTitle(project ? tr("%1 — Loupe").arg(project->fileName()) : tr("Loupe"));
    if (!project) {
        m_counts->setText(tr("Open a project with File > Open (Ctrl+O) or drop a .loupe file here."));
        m_filter->clear();
        return;
    }
    const SampleTable &table = m_session.table();
    const SampleCounts counts =
        SampleCounts::of(table, m_session.analysis().get<LabelIssueResults>().isIssue);
    const QLocale locale;
    QString text =
        tr("%1 samples · %2 classes").arg(locale.toString(counts.samples)).arg(table.classNames.size());
    if (counts.unlabeled > 0)
        text += tr(" · %1 unlabeled").arg(locale.toString(counts.unlabeled));
    if (table.hasPredictions())
        text += tr(" · %1 errors in %2 evaluated")
                    .arg(locale.toString(counts.errors), locale.toString(counts.evaluated));
    if (counts.flagged >= 0)
        text += tr(" · %1 likely label errors").arg(locale.toString(counts.flagged));
    text += tr(" · %1 edited · %2 reviewed")
                .arg(locale.toString(counts.edited), locale.toString(counts.reviewed));
    if (counts.excluded > 0)
        text += tr(" · %1 excluded").arg(locale.toString(counts.excluded));
    if (m_session.isReadOnly())
        text += tr(" · read-only: %1").arg(project->readOnlyReason());
    m_counts->setText(text);
    m_filter->setText(m_session.hasFilter() ? tr("Filter: %1 · %2 shown (Ctrl+Shift+A shows all)")
                                                  .arg(m_session.filterDescription())
                                                  .arg(locale.toString(m_session.filteredCount()))
                                            : QString());
}

} // namespace loupe
