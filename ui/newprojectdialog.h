#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace loupe {

/**
 * Asks where a new project comes from and where it goes: the dataset folder (its
 * layout is detected and explained as soon as it is typed or chosen), the project
 * file (next to the folder by default), the run name and whether to analyse right
 * after importing. OK stays disabled until the folder can be imported.
 */
class NewProjectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewProjectDialog)

public:
    explicit NewProjectDialog(QWidget *parent = nullptr);

    void setDatasetFolder(const QString &folder);
    QString datasetFolder() const;
    QString projectPath() const;
    QString runName() const;
    bool analyzeAfterImport() const;
    bool replaceExisting() const;
    /** Why OK is disabled, or empty. */
    QString problem() const;

private:
    void chooseFolder();
    void chooseProjectPath();
    void onFolderEdited();
    void validate();

    QLineEdit *m_folder;
    QLineEdit *m_project;
    QLineEdit *m_runName;
    QCheckBox *m_analyze;
    QLabel *m_format;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    bool m_projectPathEdited = false; // typed or chosen: stop following the folder
    bool m_replaceConfirmed = false;  // an existing file was chosen in the file dialog
};

} // namespace loupe
