#pragma once

#include "analysis/pipeline/analysisresults.h"
#include "dataset/samplefilter.h"
#include "dataset/sampletable.h"
#include "edits/boxeditrepository.h"
#include "edits/labelrepository.h"
#include "edits/reviewrepository.h"

#include <QObject>
#include <QString>

#include <memory>

class QUndoStack;

namespace loupe {

class Project;

/**
 * The open project as the panels see it: the Project, an in-memory SampleTable and
 * AnalysisResults kept in step with every edit, the undo stack, and the state every
 * panel shares: one active filter (the samples every panel shows) and one selection.
 *
 * Panels read from the table and change samples only through relabel() and setReview(),
 * which push a ChangeSampleValues command; every edit, undo and redo goes through
 * applyEdit(), the one edit path (EditRepository), and ends in one notification,
 * samplesEdited(). They change the filter and the selection only here, so that whatever
 * is filtered or selected in one panel shows in all.
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
     * Holds edits while something else must not see the project change: the damage check
     * of a project opened before its check ended (nothing may be written to a file that
     * may be damaged), the app's own analysis (which writes results computed from the
     * labels it started with). Edits are refused meanwhile with reason; holds stack.
     */
    void holdEdits(const QString &reason);
    void releaseEdits(const QString &reason);
    bool areEditsHeld() const { return !m_editHolds.isEmpty(); }

    /** Pushes an undoable relabel of samples to newLabel. Returns false when nothing would change. */
    bool relabel(const QList<qint64> &samples, int newLabel);
    /**
     * Pushes an undoable change of the samples' review mark to status (None clears it).
     * Returns false when nothing would change.
     */
    bool setReview(const QList<qint64> &samples, ReviewStatus status);

    /**
     * Pushes an undoable change of a detection project's boxes (text names it in the undo
     * history): written at once through BoxEditRepository, one audited transaction, and
     * taken back by undo. Returns whether it was written; editFailed() says why not.
     */
    bool changeBoxes(const QList<BoxChange> &changes, const QString &text);

    /**
     * Writes targets' new values through Field's repository (one transaction with audit
     * rows), mirrors them into the table and the analysis results, and emits samplesEdited().
     * What ChangeSampleValues calls for redo and undo. Returns false, after editFailed(),
     * when the project refuses the write; nothing is written then.
     */
    template<typename Field>
    bool applyEdit(const QList<SampleChange<typename Field::Value>> &targets, const EditStamp &stamp);

    /**
     * Shows only samples (any order, duplicates ignored) in every panel; filter says what
     * they are (its kind for the panels, its description for the status bar, e.g.
     * "cluster 12" or "SQL: split = 'test'").
     */
    void setFilter(const SampleFilter &filter, std::vector<qint64> samples);
    /** Shows the samples filter selects by itself (selectSamples(): errors, a class, a cluster, ...). */
    void setFilter(const SampleFilter &filter);
    void clearFilter();
    bool hasFilter() const { return m_filter.kind != SampleFilter::Kind::None; }
    const SampleFilter &filter() const { return m_filter; }
    QString filterDescription() const { return m_filter.description; }
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
    /**
     * Samples were edited (a label or a review mark, by an edit, undo or redo): the edited
     * ones and those whose stored analysis the edit changed (an issue score moved with its
     * neighbours' labels). The table and the analysis results are already updated.
     */
    void samplesEdited(const QList<qint64> &samples);
    /**
     * The boxes of these images were changed (by changeBoxes(), its undo or redo); emitted
     * before samplesEdited() for the same images. What reads the boxes reads them again.
     */
    void boxesEdited(const QList<qint64> &images);
    /** An edit could not be written; the message names the reason. */
    void editFailed(const QString &message);
    void filterChanged();
    void selectionChanged(const QObject *origin);

private:
    /** Whether an edit may start now; emits editFailed() with the reason when not. */
    bool mayEdit(const QString &what);
    template<typename Field> EditRepository<Field> &repository();
    /** Copies what a written edit changed into the table. */
    template<typename Field> void mirror(const EditResult<typename Field::Value> &result);

    std::unique_ptr<Project> m_project;
    std::unique_ptr<LabelRepository> m_labels;
    std::unique_ptr<ReviewRepository> m_reviews;
    SampleTable m_table;
    AnalysisResults m_analysis;
    QUndoStack *m_undoStack = nullptr;
    SampleFilter m_filter;
    std::vector<uint8_t> m_filterMask; // per sample; empty = no filter
    qint64 m_filterCount = 0;
    QList<qint64> m_selection;
    QStringList m_editHolds; // why edits are refused now; empty: edits allowed
};

} // namespace loupe
