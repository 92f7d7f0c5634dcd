#pragma once

#include "panelquery.h"

#include <QWidget>

#include "analysis/neighbours/nearestneighbors.h"

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * "Find more like this": the samples nearest (in embedding space) to the selected sample
 * or to the centroid of the selection, optionally only from one split or only unlabeled
 * ones, for targeted data collection. Results list with distances; "Show in grid" makes
 * them the filter; "Export CSV" writes id, image, label, split, distance.
 *
 * The embeddings are loaded and indexed on a worker thread the first time a search runs
 * (exact search: one query scans the matrix, see loupe-cli similar), and every search
 * runs there too, so the window never waits.
 */
class SimilarPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimilarPanel)

public:
    explicit SimilarPanel(ProjectSession &session, QWidget *parent = nullptr);
    ~SimilarPanel() override;

    /** Searches for samples like the current selection. */
    void findSimilar();
    /** Blocks until a running search has finished (tests). */
    void waitForSearch();
    /** The samples of the last result, nearest first. */
    const std::vector<Neighbor> &results() const { return m_results; }
    QTableView *table() const { return m_table; }
    /** Writes the last result as CSV; returns an error message or an empty string. */
    QString exportCsv(const QString &path) const;

Q_SIGNALS:
    void searchFinished(const QString &error);

private:
    struct Search
    {
        std::shared_ptr<const NearestNeighbors> index;
        std::vector<Neighbor> found;
    };

    void reset();
    void onSearchFinished(Search &search);
    void onSearchFailed(const QString &error);
    void showResults();
    void chooseExportFile();

    ProjectSession &m_session;
    QPushButton *m_find;
    QSpinBox *m_count;
    QComboBox *m_split;
    QCheckBox *m_unlabeledOnly;
    QLabel *m_message;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QPushButton *m_showInGrid;
    QPushButton *m_export;
    PanelQuery<Search> m_search;
    std::shared_ptr<const NearestNeighbors> m_index; // built on first use, dropped on close
    std::vector<Neighbor> m_results;
    qsizetype m_querySize = 0;
};

} // namespace loupe
