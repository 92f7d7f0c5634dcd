#include "newprojectdialog.h"

#include "import/datasetimport.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <functional>

namespace loupe {

namespace {

QWidget *withBrowseButton(QLineEdit *edit, QDialog *dialog, const std::function<void()> &browse)
{
    auto *row = new QWidget(dialog);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, dialog, browse);
    layout->addWidget(button);
    return row;
}

/** The default project file: "<folder name>.loupe" beside the folder, so the dataset stays untouched. */
QString defaultProjectPath(const QString &folder)
{
    const QFileInfo info(QDir::cleanPath(folder));
    return QDir(info.absolutePath()).filePath(info.fileName() + QStringLiteral(".loupe"));
}

} // namespace

NewProjectDialog::NewProjectDialog(QWidget *parent)
    : QDialog(parent), m_folder(new QLineEdit(this)), m_project(new QLineEdit(this)),
      m_runName(new QLineEdit(QStringLiteral("model"), this)),
      m_analyze(new QCheckBox(tr("Analyse after importing (label issues, map, clusters, slices)"), this)),
      m_format(new QLabel(this)), m_problem(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Project from Dataset Folder"));
    m_folder->setObjectName(QStringLiteral("datasetFolder"));
    m_project->setObjectName(QStringLiteral("projectFile"));
    m_runName->setObjectName(QStringLiteral("runName"));
    setMinimumWidth(620);
    m_folder->setPlaceholderText(tr("A Loupe folder (samples.csv, …) or one folder per class"));
    m_project->setPlaceholderText(tr("Where to write the project file"));
    m_analyze->setChecked(true);
    m_format->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));

    auto *form = new QFormLayout;
    form->addRow(tr("Dataset &folder:"), withBrowseButton(m_folder, this, [this] { chooseFolder(); }));
    form->addRow(QString(), m_format);
    form->addRow(tr("&Project file:"), withBrowseButton(m_project, this, [this] { chooseProjectPath(); }));
    form->addRow(tr("&Run name:"), m_runName);
    form->addRow(QString(), m_analyze);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_folder, &QLineEdit::textChanged, this, &NewProjectDialog::onFolderEdited);
    connect(m_project, &QLineEdit::textEdited, this, [this] {
        m_projectPathEdited = true;
        m_replaceConfirmed = false;
    });
    connect(m_project, &QLineEdit::textChanged, this, &NewProjectDialog::validate);
    connect(m_runName, &QLineEdit::textChanged, this, &NewProjectDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

void NewProjectDialog::setDatasetFolder(const QString &folder)
{
    m_folder->setText(QDir::toNativeSeparators(folder));
}

QString NewProjectDialog::datasetFolder() const
{
    return QDir::cleanPath(QDir::fromNativeSeparators(m_folder->text().trimmed()));
}

QString NewProjectDialog::projectPath() const
{
    return QDir::cleanPath(QDir::fromNativeSeparators(m_project->text().trimmed()));
}

QString NewProjectDialog::runName() const
{
    return m_runName->text().trimmed();
}

bool NewProjectDialog::analyzeAfterImport() const
{
    return m_analyze->isChecked();
}

bool NewProjectDialog::replaceExisting() const
{
    return m_replaceConfirmed && QFileInfo::exists(projectPath());
}

QString NewProjectDialog::problem() const
{
    return m_problem->text();
}

void NewProjectDialog::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Dataset Folder"), datasetFolder());
    if (!folder.isEmpty())
        setDatasetFolder(folder);
}

void NewProjectDialog::chooseProjectPath()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Project File"), projectPath(), tr("Loupe projects (*.loupe)"));
    if (path.isEmpty())
        return;
    m_projectPathEdited = true;
    m_replaceConfirmed = true; // the file dialog asked before choosing an existing file
    m_project->setText(QDir::toNativeSeparators(path));
}

void NewProjectDialog::onFolderEdited()
{
    if (!m_projectPathEdited && !datasetFolder().isEmpty())
        m_project->setText(QDir::toNativeSeparators(defaultProjectPath(datasetFolder())));
    validate();
}

void NewProjectDialog::validate()
{
    const QString folder = datasetFolder();
    const DatasetFormat format = detectDatasetFormat(folder);
    m_format->setText(folder.isEmpty() ? QString() : datasetFormatDescription(format));
    m_analyze->setEnabled(format != DatasetFormat::ClassFolders); // labels only: nothing to analyse yet
    QString problem;
    if (folder.isEmpty())
        problem = tr("Choose the dataset folder.");
    else if (!QFileInfo(folder).isDir())
        problem = tr("%1 is not a folder.").arg(QDir::toNativeSeparators(folder));
    else if (format == DatasetFormat::Unknown)
        problem = tr("Nothing to import in %1.").arg(QDir::toNativeSeparators(folder));
    else if (projectPath().isEmpty())
        problem = tr("Choose where to write the project file.");
    else if (!QFileInfo(QFileInfo(projectPath()).absolutePath()).isWritable())
        problem =
            tr("Cannot write to %1.").arg(QDir::toNativeSeparators(QFileInfo(projectPath()).absolutePath()));
    else if (runName().isEmpty())
        problem = tr("Name the prediction run.");
    else if (QFileInfo::exists(projectPath()) && !m_replaceConfirmed)
        problem = tr("%1 exists; choose another file (Browse… asks before replacing one).")
                      .arg(QDir::toNativeSeparators(projectPath()));
    m_problem->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace loupe
