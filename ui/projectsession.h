#pragma once

#include "analysis/pipeline/analysisresults.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "edits/reviewrepository.h"

#include <QObject>
#include <QString>

#include <memory>

class QUndoStack;

namespace loupe {

class Project;

/**
 * The open project as the panels see it: the Project, its LabelRepository, an
 * in-memory SampleTable and AnalysisResults kept in step with every label change, the
 * undo stack, and the state every panel shares: one active filter (the samples every
 * panel shows) and one selection. Panels read from the table and change labels only
 * through relabel() (undoable); they change the filter and the selection only here, so
 * that whatever is filtered or selected in one panel shows in all.
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
    void adopt(std::unique_ptr<Project> project, SampleTable table, AnalysisResults analysis = {});
    void close();
    /** Replaces the analysis results (after the analysis ran again); labels, filter and undo stay. */
    void reloadAnalysis(AnalysisResults analysis);

    bool isOpen() const { return m_project != nullptr; }
    Project *project() const { return m_project.get(); }
    const SampleTable &table() const { return m_table; }
    const AnalysisResults &analysis() const { return m_analysis; }
    QUndoStack *undoStack() const { return m_undoStack; }
    bool isReadOnly() const;
    /**
     * While the project file is checked for damage in the background (a large project
     * opens before its check ends), edits are refused with a message: nothing is written to
     * a file that may be damaged.
     */
    void setVerifying(bool verifying);
    bool isVerifying() const { return m_verifying; }

    /** Pushes an undoable relabel of samples to newLabel. Returns false when nothing would change. */
    bool relabel(const QList<qint64> &samples, int newLabel);
    /**
     * Pushes an undoable change of the samples' review mark to status (None clears it).
     * Returns false when nothing would change.
     */
    bool setReview(const QList<qint64> &samples, ReviewStatus status);

    /**
     * Shows only samples (any order, duplicates ignored) in every panel; description
     * says what the filter is for the status bar, e.g. "cluster 12" or "SQL: split = 'test'".
     */
    void setFilter(const QString &description, std::vector<qint64> samples);
    void clearFilter();
    bool hasFilter() const { return !m_filterDescription.isEmpty(); }
    QString filterDescription() const { return m_filterDescription; }
    /** Whether sample passes the active filter (always true without one). */
    bool isInFilter(qint64 sample) const { return m_filterMask.empty() || m_filterMask[size_t(sample)]; }
    /** The samples passing the filter, ascending; all samples without a filter. */
    std::vector<qint64> filteredSamples() const;
    qint64 filteredCount() const;

    /** Replaces the shared selection; origin is the panel that made it (it need not react). */
    void setSelection(const QList<qint64> &samples, const QObject *origin = nullptr);
    const QList<qint64> &selection() const { return m_selection; }

Q_SIGNALS:
    void opened();
    void closed();
    /** The analysis results were replaced by reloadAnalysis(). */
    void analysisReloaded();
    /** Labels changed (by an edit, undo or redo); the table is already updated. */
    void labelsChanged(const QList<loupe::LabelChange> &changes);
    /** Review marks changed (by a mark, undo or redo); the table is already updated. */
    void reviewsChanged(const QList<qint64> &samples);
    /** An edit could not be written; the message names the reason. */
    void editFailed(const QString &message);
    void filterChanged();
    void selectionChanged(const QObject *origin);

private:
    void applyToTable(const QList<LabelChange> &changes);
    void applyReviews(const QList<ReviewChange> &changes);
    bool refuseWhileVerifying();
    void refreshAnalysis(const QList<LabelChange> &changes);

    std::unique_ptr<Project> m_project;
    std::unique_ptr<LabelRepository> m_labels;
    std::unique_ptr<ReviewRepository> m_reviews;
    SampleTable m_table;
    AnalysisResults m_analysis;
    QUndoStack *m_undoStack = nullptr;
    QString m_filterDescription;
    std::vector<uint8_t> m_filterMask; // per sample; empty = no filter
    qint64 m_filterCount = 0;
    QList<qint64> m_selection;
    bool m_verifying = false;
};

} // namespace loupe
