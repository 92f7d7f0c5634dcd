#pragma once

#include <memory>
#include <vector>

#include "panelquery.h"

#include <QImage>
#include <QWidget>

class QLabel;
class QListView;
class QStackedWidget;
class QStandardItemModel;
class QTabWidget;
class QTableView;

namespace loupe {

class DetectionImagePane;
class ProbabilityBars;
class ProjectSession;

/**
 * Everything about one sample: the image scaled to fit (tiny images enlarged by whole
 * pixels so they stay crisp), the header (id, split, given and predicted label with
 * confidence, loss, issue score, suggestion, whether the label was edited), the class
 * probabilities as bars, the metadata values, the label history newest first, and the
 * nearest neighbours from the stored kNN graph; clicking a neighbour selects it.
 *
 * Shows the first sample of the session's selection. The image, the neighbours'
 * thumbnails and the per-sample rows (probabilities, neighbours, history, metadata) are
 * read through a PanelQuery (a worker thread, its own read-only connection, stale loads
 * dropped), so scrolling through the grid never queues a backlog. It reloads after an
 * edit of the sample and after the analysis ran again.
 */
class DetailPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailPanel)

public:
    /** What one load reads for a sample; defined in the .cpp, opaque elsewhere. */
    struct Details;

    explicit DetailPanel(ProjectSession &session, QWidget *parent = nullptr);
    ~DetailPanel() override;

    /** The sample shown (or being loaded); -1 without a selection. */
    qint64 currentSample() const { return m_current; }
    /** Whether a load for the current sample is still on its way. */
    bool isLoading() const { return m_query.isBusy(); }
    /** Blocks until the current sample's details are on screen (tests). */
    void waitForLoad();

    QLabel *header() const { return m_header; }
    ProbabilityBars *probabilityBars() const { return m_bars; }
    /** The image with its boxes, shown for a detection project. */
    DetectionImagePane *detectionPane() const { return m_detectionPane; }
    /** The text shown instead of the image (a missing or unreadable file); empty with an image. */
    QString imageMessage() const;
    /** The image as decoded (before scaling to the panel); null when there is none. */
    QImage image() const { return m_fullImage; }
    /** Columns: Field, Value. */
    QStandardItemModel *metadataModel() const { return m_metadataModel; }
    /** Columns: Time, Change, Source, Note; newest first. */
    QStandardItemModel *historyModel() const { return m_historyModel; }
    QListView *neighbourView() const { return m_neighbourView; }
    /** The neighbours listed, nearest first (the stored knn_indices row without padding). */
    const std::vector<qint64> &neighbours() const { return m_neighbours; }
    int neighbourCount() const { return int(m_neighbours.size()); }
    /** Makes the neighbour in row the session's selection (what a click does). */
    void showNeighbour(int row);

Q_SIGNALS:
    /** The details of sample are on screen. */
    void detailsShown(qint64 sample);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QWidget *createContent();
    QWidget *createTabs();
    void followSelection();
    void onSamplesEdited(const QList<qint64> &samples);
    void onOpenedOrClosed();
    void showPlaceholder(const QString &text);
    void onAnalysisReloaded();
    void reload();
    void onLoadFailed(const QString &message);
    void apply(const Details &details);
    void showHeader();
    void showImage(const Details &details);
    void rescaleImage();
    void showProbabilities(const Details &details);
    void showMetadata(const Details &details);
    void showHistory(const Details &details);
    void showNeighbours(const Details &details);
    void updateNeighbourCaptions();
    QSize neighbourCellSize() const;

    ProjectSession &m_session;
    QStackedWidget *m_pages;
    QLabel *m_placeholder;
    QLabel *m_header;
    QLabel *m_image;
    DetectionImagePane *m_detectionPane; // in place of m_image for a detection project
    bool m_detection = false;            // the open project is a detection project
    QLabel *m_barsTitle = nullptr;
    QLabel *m_status;
    ProbabilityBars *m_bars;
    QTabWidget *m_tabs;
    QListView *m_neighbourView;
    QLabel *m_neighbourMessage;
    QStandardItemModel *m_neighbourModel;
    QStandardItemModel *m_metadataModel; // before its view, which is built from it
    QTableView *m_metadataView;
    QStandardItemModel *m_historyModel;
    QTableView *m_historyView;
    QImage m_fullImage;
    std::vector<qint64> m_neighbours;
    std::vector<float> m_distances;
    qint64 m_current = -1;
    PanelQuery<Details> m_query;
};

} // namespace loupe
