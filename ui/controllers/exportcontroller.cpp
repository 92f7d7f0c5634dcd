#include "controllers/exportcontroller.h"

#include "analysis/steps/labelissuesstep.h"
#include "common/error.h"
#include "common/progress.h"
#include "controllers/taskrunner.h"
#include "export/classfolderexport.h"
#include "export/cocoexport.h"
#include "export/detectionexports.h"
#include "export/yoloexport.h"
#include "export/exports.h"
#include "projectsession.h"
#include "samplegridmodel.h"
#include "storage/project.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

#include <memory>

namespace loupe {

ExportController::ExportController(ProjectSession &session, SampleGridModel &grid, TaskRunner &tasks,
                                   QWidget *window, QStatusBar *statusBar)
    : QObject(window), m_session(session), m_grid(grid), m_tasks(tasks), m_window(window),
      m_statusBar(statusBar)
{
    addAction(tr("Export &Labels…"),
              tr("id, image, label, original label, edited flag and review mark (CSV)"),
              &ExportController::exportLabels);
    m_suspects = addAction(tr("Export Label &Issues…"),
                           tr("Every sample, likeliest label errors first, with the suggested label (CSV)"),
                           &ExportController::exportSuspects);
    addAction(tr("Export Class &Folders…"),
              tr("The corrected labels as <split>/<class>/<image> folders for a training pipeline (copies or "
                 "links)"),
              &ExportController::chooseClassFolders);
    addAction(tr("Export S&hown Samples…"),
              tr("The samples of the active filter (a cluster, a slice, a lasso, similar samples), with "
                 "image paths, "
                 "for labelling tools and targeted collection (CSV)"),
              &ExportController::exportShownSamples);
    addAction(tr("Export &Edit Log…"),
              tr("Every label change and review mark: when, who, old, new, note (CSV)"),
              &ExportController::exportEditLog);
    m_classificationActions = m_actions;
    addAction(
        tr("Export Annotation &Errors…"),
        tr("The suspected annotation errors of a detection project, strongest first, with their fixes (CSV)"),
        &ExportController::exportAnnotationErrors);
    addAction(tr("Export Boxes as &COCO…"),
              tr("The annotated boxes as they are now, corrections included (COCO instances JSON)"),
              &ExportController::exportCocoFile);
    addAction(tr("Export Boxes as &YOLO…"),
              tr("The annotated boxes as they are now as a YOLO folder: labels/, classes.txt, data.yaml and "
                 "links to the images"),
              &ExportController::chooseYoloFolder);
    addAction(tr("Export Box Edit &Log…"), tr("Every box added, deleted, relabelled or moved (CSV)"),
              &ExportController::exportBoxEditLog);
    connect(&session, &ProjectSession::opened, this, &ExportController::updateActions);
    connect(&session, &ProjectSession::closed, this, &ExportController::updateActions);
    updateActions();
}

QAction *ExportController::addAction(const QString &text, const QString &toolTip,
                                     void (ExportController::*slot)())
{
    auto *action = new QAction(text, this);
    action->setToolTip(toolTip);
    connect(action, &QAction::triggered, this, slot);
    m_actions << action;
    return action;
}

void ExportController::updateActions()
{
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    for (QAction *action : m_actions) {
        const bool classification = m_classificationActions.contains(action);
        action->setEnabled(m_session.isOpen() && classification != detection);
        action->setVisible(classification != detection || !m_session.isOpen());
    }
    m_suspects->setEnabled(m_session.isOpen() && !detection && m_session.table().hasPredictions());
}

QString ExportController::chooseCsvPath(const QString &title, const QString &suggestedName)
{
    const QString folder = QFileInfo(m_session.project()->path()).absolutePath();
    return QFileDialog::getSaveFileName(m_window, title, QDir(folder).filePath(suggestedName),
                                        tr("CSV files (*.csv)"));
}

void ExportController::run(const std::function<QString()> &write)
{
    try {
        m_statusBar->showMessage(write(), 5000);
    } catch (const Error &error) {
        QMessageBox::warning(m_window, tr("Export failed"), error.message());
    }
}

void ExportController::exportLabels()
{
    const QString path = chooseCsvPath(tr("Export Labels"), QStringLiteral("labels.csv"));
    if (!path.isEmpty())
        run([&] {
            loupe::exportLabels(m_session.table(), path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::exportSuspects()
{
    const QString path = chooseCsvPath(tr("Export Label Issues"), QStringLiteral("label-issues.csv"));
    if (!path.isEmpty())
        run([&] {
            loupe::exportSuspects(m_session.table(), suspectScores(m_session.table(), m_session.analysis()),
                                  path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::exportShownSamples()
{
    const QString path = chooseCsvPath(tr("Export Shown Samples"), QStringLiteral("samples.csv"));
    if (path.isEmpty())
        return;
    // In the grid's order: most suspicious first, or as sorted.
    std::vector<qint64> samples;
    samples.reserve(size_t(m_grid.rowCount()));
    for (int row = 0; row < m_grid.rowCount(); ++row)
        samples.push_back(m_grid.sampleAt(row));
    run([&] {
        exportSampleList(m_session.table(), m_session.project()->datasetRoot(), samples,
                         m_session.analysis().get<LabelIssueResults>().issueScore, path);
        return tr("Wrote %n sample(s) to %1", nullptr, int(samples.size())).arg(path);
    });
}

void ExportController::exportEditLog()
{
    const QString path = chooseCsvPath(tr("Export Edit Log"), QStringLiteral("edit-log.csv"));
    if (!path.isEmpty())
        run([&] {
            loupe::exportEditLog(*m_session.project(), path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::exportAnnotationErrors()
{
    const QString path =
        chooseCsvPath(tr("Export Annotation Errors"), QStringLiteral("annotation-errors.csv"));
    if (!path.isEmpty())
        run([&] {
            exportAnnotationSuggestions(*m_session.project(), path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::exportCocoFile()
{
    const QString folder = QFileInfo(m_session.project()->path()).absolutePath();
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export Boxes as COCO"), QDir(folder).filePath(QStringLiteral("annotations.json")),
        tr("JSON (*.json)"));
    if (!path.isEmpty())
        run([&] {
            exportCoco(*m_session.project(), path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::exportBoxEditLog()
{
    const QString path = chooseCsvPath(tr("Export Box Edit Log"), QStringLiteral("box-edits.csv"));
    if (!path.isEmpty())
        run([&] {
            loupe::exportBoxEditLog(*m_session.project(), path);
            return tr("Wrote %1").arg(path);
        });
}

void ExportController::chooseYoloFolder()
{
    const QString folder =
        QFileDialog::getExistingDirectory(m_window, tr("Export Boxes as YOLO: choose a new or empty folder"),
                                          QFileInfo(m_session.project()->path()).absolutePath());
    if (folder.isEmpty())
        return;
    const std::optional<bool> symlink = askCopyOrLink(tr("Export Boxes as YOLO"), folder);
    if (symlink)
        exportYoloFolder(folder, *symlink);
}

bool ExportController::exportYoloFolder(const QString &folder, bool symlink)
{
    if (!m_session.isOpen())
        return false;
    // The worker reads the project through its own connection: the boxes as they are when it starts.
    const QString projectPath = m_session.project()->path();
    auto summary = std::make_shared<YoloExportSummary>();
    return m_tasks.start(
        tr("Exporting YOLO"),
        [=](Progress &progress) {
            const auto project = Project::open(projectPath, Project::Access::ReadOnly);
            *summary = exportYolo(*project, folder,
                                  symlink ? ClassFolderMode::Symlink : ClassFolderMode::Copy, progress);
        },
        [this, folder, summary] {
            QString text = tr("Wrote %n box(es)", nullptr, int(summary->boxes)) +
                           tr(" of %n image(s) to %1", nullptr, int(summary->images))
                               .arg(QDir::toNativeSeparators(folder));
            if (summary->crowdRegions > 0)
                text += tr("; left out %n crowd region(s)", nullptr, int(summary->crowdRegions));
            m_statusBar->showMessage(text, 10000);
        });
}

void ExportController::chooseClassFolders()
{
    const QString folder =
        QFileDialog::getExistingDirectory(m_window, tr("Export Class Folders: choose a new or empty folder"),
                                          QFileInfo(m_session.project()->path()).absolutePath());
    if (folder.isEmpty())
        return;
    const std::optional<bool> symlink = askCopyOrLink(tr("Export Class Folders"), folder);
    if (symlink)
        exportClassFolderTree(folder, *symlink);
}

std::optional<bool> ExportController::askCopyOrLink(const QString &title, const QString &folder)
{
    QMessageBox question(
        QMessageBox::Question, title,
        tr("Copy the images into %1, or link to the dataset's images?\n\nLinks are instant and "
           "take no space, but follow the dataset folder.")
            .arg(QDir::toNativeSeparators(folder)),
        QMessageBox::Cancel, m_window);
    QPushButton *copy = question.addButton(tr("Copy Images"), QMessageBox::AcceptRole);
    QPushButton *link = question.addButton(tr("Symbolic Links"), QMessageBox::AcceptRole);
    question.setDefaultButton(copy);
    question.exec();
    if (question.clickedButton() != copy && question.clickedButton() != link)
        return std::nullopt;
    return question.clickedButton() == link;
}

bool ExportController::exportClassFolderTree(const QString &folder, bool symlink)
{
    if (!m_session.isOpen())
        return false;
    // A snapshot of the labels as they are now: edits made while the export runs are not
    // half-applied to the tree.
    auto table = std::make_shared<const SampleTable>(m_session.table());
    const QString root = m_session.project()->datasetRoot();
    auto summary = std::make_shared<ClassFolderExportSummary>();
    return m_tasks.start(
        tr("Exporting class folders"),
        [=](Progress &progress) {
            *summary = exportClassFolders(
                *table, root, folder, symlink ? ClassFolderMode::Symlink : ClassFolderMode::Copy, progress);
        },
        [this, folder, summary] {
            QString text = tr("Wrote %n image(s) to %1", nullptr, int(summary->written))
                               .arg(QDir::toNativeSeparators(folder));
            if (summary->unlabeled + summary->excluded > 0)
                text += tr("; left out %1 unlabeled and %2 excluded")
                            .arg(summary->unlabeled)
                            .arg(summary->excluded);
            if (!summary->missing.isEmpty())
                text += tr("; %n image(s) missing, e.g. %1", nullptr, int(summary->missing.size()))
                            .arg(summary->missing.first());
            m_statusBar->showMessage(text, 10000);
        });
}

} // namespace loupe
