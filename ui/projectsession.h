#pragma once

#include "labelrepository.h"
#include "sampletable.h"

#include <QObject>
#include <QString>

#include <memory>

class QUndoStack;

namespace loupe {

class Project;

/**
 * The open project as the panels see it: the Project, its LabelRepository, an
 * in-memory SampleTable kept in step with every label change, and the undo stack.
 * Panels read from the table and change labels only through relabel() (undoable).
 */
class ProjectSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectSession)

public:
    explicit ProjectSession(QObject *parent = nullptr);
    ~ProjectSession() override;

    /** Opens path, replacing the current project; throws loupe::Error and keeps the old one on failure. */
    void open(const QString &path);
    /** Takes over a project opened and loaded elsewhere (e.g. on a worker thread). */
    void adopt(std::unique_ptr<Project> project, SampleTable table);
    void close();

    bool isOpen() const { return m_project != nullptr; }
    Project *project() const { return m_project.get(); }
    const SampleTable &table() const { return m_table; }
    QUndoStack *undoStack() const { return m_undoStack; }
    bool isReadOnly() const;

    /** Pushes an undoable relabel of samples to newLabel. Returns false when nothing would change. */
    bool relabel(const QList<qint64> &samples, int newLabel);

Q_SIGNALS:
    void opened();
    void closed();
    /** Labels changed (by an edit, undo or redo); the table is already updated. */
    void labelsChanged(const QList<loupe::LabelChange> &changes);
    /** An edit could not be written; the message names the reason. */
    void editFailed(const QString &message);

private:
    void applyToTable(const QList<LabelChange> &changes);

    std::unique_ptr<Project> m_project;
    std::unique_ptr<LabelRepository> m_labels;
    SampleTable m_table;
    QUndoStack *m_undoStack = nullptr;
};

} // namespace loupe
