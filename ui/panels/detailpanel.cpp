#include "detailpanel.h"

#include <algorithm>
#include <cmath>

#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QListView>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/error.h"
#include "common/sqlidentifier.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "panels/detectionimagepane.h"
#include "panels/probabilitybars.h"
#include "projectsession.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/detectionstore.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

/** Read on the worker thread, applied on the UI thread. */
struct DetailPanel::Details
{
    qint64 sample = -1;
    QImage image;
    QString imageMessage; // set instead of image when the file is missing or unreadable
    std::vector<float> probabilities;
    bool hasKnnGraph = false;
    std::vector<qint64> neighbours;
    std::vector<float> distances;
    QList<QImage> thumbnails; // per neighbour; null when unreadable
    QList<LabelEdit> history; // oldest first, as the repository returns it
    QList<std::pair<QString, QString>> metadata;
    bool detection = false;           // a detection project: the image's boxes instead of probabilities
    std::vector<Annotation> objects;  // its annotated boxes
    std::vector<Detection> predicted; // the run's boxes on it
    std::vector<qint64> objectIds;    // the box_id of each object
};

namespace {

// Larger images are decoded smaller: the panel never shows more, and scaling stays cheap on resize.
constexpr int kMaxImageSide = 1600;
constexpr int kThumbnailSide = 64;
// The probability bars' given-label colour: marks what is in question about the label.
const QColor kAmber(226, 140, 36);

/** The worker's inputs, copied on the UI thread (QStringList copies share, so this is cheap). */
struct Request
{
    qint64 sample = -1;
    int runId = -1;
    StringColumn images;
    bool detection = false;
};

QImage readImage(const QString &path, int maxSide, QString *message)
{
    if (!QFileInfo::exists(path)) {
        *message = DetailPanel::tr("The image file is missing:\n%1").arg(QDir::toNativeSeparators(path));
        return {};
    }
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && std::max(size.width(), size.height()) > maxSide)
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        *message = DetailPanel::tr("Cannot read the image file:\n%1\n(%2)")
                       .arg(QDir::toNativeSeparators(path), reader.errorString());
    return image;
}

/** Scales image into box: whole-pixel nearest-neighbour enlargement for tiny images, smooth otherwise. */
QImage fitImage(const QImage &image, QSize box)
{
    if (image.isNull() || box.isEmpty())
        return image;
    const double scale = std::min(double(box.width()) / image.width(), double(box.height()) / image.height());
    if (scale >= 2.0)
        return image.scaled(image.size() * int(scale), Qt::IgnoreAspectRatio, Qt::FastTransformation);
    if (scale >= 1.0)
        return image;
    return image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

QImage readThumbnail(const QString &path)
{
    QString message;
    const QImage image = readImage(path, kThumbnailSide, &message);
    return fitImage(image, QSize(kThumbnailSide, kThumbnailSide));
}

void readNeighbours(Project &project, const Request &request, DetailPanel::Details &details)
{
    const RunArrays arrays(project.database(), request.runId);
    const std::optional<RunArrays::KnnRow> row = arrays.knnRow(request.sample);
    details.hasKnnGraph = row.has_value();
    if (!details.hasKnnGraph)
        return;
    const std::vector<float> &indices = row->indices;
    const std::vector<float> &distances = row->distances;
    for (size_t k = 0; k < indices.size(); ++k) {
        const auto neighbour = qint64(indices[k]);
        if (neighbour < 0 || neighbour >= request.images.size())
            continue; // padding of a sample with fewer than k neighbours
        details.neighbours.push_back(neighbour);
        details.distances.push_back(distances[k]);
        details.thumbnails.append(readThumbnail(project.absoluteImagePath(request.images.at(neighbour))));
    }
}

QString metadataText(const SqliteStatement &row, int column, MetadataColumn::Type type)
{
    if (row.isNull(column))
        return QStringLiteral("—");
    switch (type) {
    case MetadataColumn::Type::Integer:
        return QString::number(row.columnInt64(column));
    case MetadataColumn::Type::Real:
        return QString::number(row.columnDouble(column), 'g', 6);
    case MetadataColumn::Type::Text:
        break;
    }
    return row.columnText(column);
}

// One row by primary key. Core has no per-sample metadata reader yet (MetadataValues reads
// a whole column), so the worker asks directly; it is read-only and on its own connection.
QList<std::pair<QString, QString>> readMetadata(Project &project, qint64 sample)
{
    const QList<MetadataColumn> columns = project.metadataColumns();
    if (columns.isEmpty())
        return {};
    QStringList names;
    for (const MetadataColumn &column : columns)
        names << quoteSqlIdentifier(column.name);
    auto row =
        project.database().prepare(QStringLiteral("SELECT %1 FROM sample_metadata WHERE sample_index = ?1")
                                       .arg(names.join(QStringLiteral(", "))));
    row.bind(1, sample);
    QList<std::pair<QString, QString>> values;
    const bool found = row.step();
    for (int c = 0; c < columns.size(); ++c)
        values.append({columns[c].name, found ? metadataText(row, c, columns[c].type) : QStringLiteral("—")});
    return values;
}

/** Runs on the query's worker thread; throws loupe::Error when the project cannot be read. */
DetailPanel::Details loadDetails(Project &project, const Request &request)
{
    DetailPanel::Details details;
    details.sample = request.sample;
    details.image = readImage(project.absoluteImagePath(request.images.at(request.sample)), kMaxImageSide,
                              &details.imageMessage);
    const RunArrays arrays(project.database(), request.runId);
    if (request.runId >= 0 && arrays.has(RunArray::Probabilities))
        details.probabilities = arrays.readRow(RunArray::Probabilities, request.sample);
    if (request.runId >= 0)
        readNeighbours(project, request, details);
    details.history = LabelRepository(project).history(request.sample);
    details.metadata = readMetadata(project, request.sample);
    details.detection = request.detection;
    if (request.detection) {
        const DetectionStore boxes(project.database());
        details.objects = boxes.annotationsOf(request.sample);
        details.objectIds = boxes.annotationIdsOf(request.sample);
        details.predicted = boxes.predictionsOf(project.latestRunId(), request.sample);
    }
    return details;
}

QString className(const SampleTable &table, int label)
{
    return label < 0 ? DetailPanel::tr("(unlabeled)") : table.classNames.value(label);
}

QString headerRow(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td style='padding-right:12px'>%1</td><td>%2</td></tr>").arg(name, value);
}

QString colored(const QString &text, const QColor &color)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(color.name(), text);
}

QString headerTitle(const SampleTable &table, qint64 sample, const QColor &dim)
{
    QString title = QStringLiteral("<span style='font-size:large'><b>%1</b></span>")
                        .arg(table.ids.at(sample).toHtmlEscaped());
    const int split = table.splitIndex[size_t(sample)];
    if (split >= 0)
        title += QStringLiteral("&nbsp;&nbsp;") + colored(table.splitNames.value(split).toHtmlEscaped(), dim);
    return title;
}

QString givenText(const SampleTable &table, qint64 sample, const QColor &dim)
{
    QString given =
        QStringLiteral("<b>%1</b>").arg(className(table, table.labels[size_t(sample)]).toHtmlEscaped());
    if (!table.isEdited(sample))
        return given;
    const QString original = className(table, table.originalLabels[size_t(sample)]).toHtmlEscaped();
    return given + QStringLiteral(" ") + colored(DetailPanel::tr("edited"), kAmber) + QStringLiteral(" ") +
           colored(DetailPanel::tr("(imported as %1)").arg(original), dim);
}

QString predictionRows(const SampleTable &table, qint64 sample)
{
    const auto i = size_t(sample);
    if (!table.hasPredictions() || table.predicted[i] < 0)
        return {};
    QString rows =
        headerRow(DetailPanel::tr("Predicted"), QStringLiteral("<b>%1</b>&nbsp;&nbsp;%2%")
                                                    .arg(className(table, table.predicted[i]).toHtmlEscaped())
                                                    .arg(double(table.confidence[i]) * 100.0, 0, 'f', 1));
    if (std::isfinite(table.loss[i]))
        rows += headerRow(DetailPanel::tr("Loss"), QString::number(double(table.loss[i]), 'f', 3));
    return rows;
}

QString analysisRows(const AnalysisResults &analysis, const SampleTable &table, qint64 sample)
{
    const auto i = size_t(sample);
    QString rows;
    const LabelIssueResults &issues = analysis.get<LabelIssueResults>();
    if (i < issues.issueScore.size() && std::isfinite(issues.issueScore[i])) {
        QString score = QString::number(double(issues.issueScore[i]), 'f', 3);
        if (issues.isFlagged(sample))
            score += QStringLiteral(" ") + colored(DetailPanel::tr("likely label error"), kAmber);
        rows += headerRow(DetailPanel::tr("Issue score"), score);
    }
    const int suggestion = issues.suggestion(sample);
    if (suggestion >= 0 && suggestion != table.labels[i])
        rows += headerRow(DetailPanel::tr("Suggested"), className(table, suggestion).toHtmlEscaped());
    return rows;
}

QStandardItem *readOnlyItem(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    return item;
}

QTableView *createTable(QStandardItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

DetailPanel::DetailPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_pages(new QStackedWidget(this)), m_placeholder(new QLabel(this)),
      m_header(new QLabel(this)), m_image(new QLabel(this)), m_detectionPane(new DetectionImagePane(this)),
      m_status(new QLabel(this)), m_bars(new ProbabilityBars(this)), m_tabs(new QTabWidget(this)),
      m_neighbourView(new QListView(this)), m_neighbourMessage(new QLabel(this)),
      m_neighbourModel(new QStandardItemModel(this)), m_metadataModel(new QStandardItemModel(this)),
      m_metadataView(createTable(m_metadataModel, this)), m_historyModel(new QStandardItemModel(this)),
      m_historyView(createTable(m_historyModel, this)),
      m_query(
          this, [this](Details &details) { apply(details); },
          [this](const QString &message) { onLoadFailed(message); })
{
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_pages->addWidget(m_placeholder);
    // A short dock scrolls rather than squeezing the image and the tabs to nothing.
    auto *scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(createContent());
    m_pages->addWidget(scroll);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    connect(&session, &ProjectSession::selectionChanged, this, &DetailPanel::followSelection);
    connect(&session, &ProjectSession::samplesEdited, this, &DetailPanel::onSamplesEdited);
    // A new analysis changes the issue score, the suggestion and the neighbours.
    connect(&session, &ProjectSession::analysisReloaded, this, &DetailPanel::onAnalysisReloaded);
    connect(&session, &ProjectSession::opened, this, &DetailPanel::onOpenedOrClosed);
    connect(&session, &ProjectSession::closed, this, &DetailPanel::onOpenedOrClosed);
    // Keys on a selected box edit it: one audited change, on the app's undo stack.
    connect(m_detectionPane, &DetectionImagePane::editRequested, this,
            [this](const BoxChange &change, const QString &what) { m_session.changeBoxes({change}, what); });
    connect(m_neighbourView, &QListView::clicked, this,
            [this](const QModelIndex &index) { showNeighbour(index.row()); });
    connect(m_neighbourView, &QListView::activated, this,
            [this](const QModelIndex &index) { showNeighbour(index.row()); });
    onOpenedOrClosed();
}

DetailPanel::~DetailPanel() = default;

QWidget *DetailPanel::createContent()
{
    auto *content = new QWidget(this);
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setWordWrap(true);
    m_image->setMinimumSize(120, 120);
    // Ignored: the pixmap follows the label's size, never the other way round.
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_image->installEventFilter(this);
    m_status->setWordWrap(true);
    m_status->hide();
    m_barsTitle = new QLabel(tr("<b>Class probabilities</b>"), content);

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_header);
    layout->addWidget(m_image, 3);
    layout->addWidget(m_detectionPane, 5);
    m_detectionPane->hide();
    m_detectionPane->setMinimumHeight(320);
    layout->addWidget(m_status);
    layout->addWidget(m_barsTitle);
    layout->addWidget(m_bars);
    layout->addWidget(createTabs(), 2);
    return content;
}

QWidget *DetailPanel::createTabs()
{
    m_neighbourModel->setColumnCount(1);
    m_neighbourView->setModel(m_neighbourModel);
    m_neighbourView->setViewMode(QListView::IconMode);
    m_neighbourView->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    // Two caption lines (label, distance), each elided to the cell: wrapping "T-shirt/top" hid the distance.
    m_neighbourView->setGridSize(neighbourCellSize() + QSize(4, 4));
    m_neighbourView->setTextElideMode(Qt::ElideRight);
    m_neighbourView->setResizeMode(QListView::Adjust);
    m_neighbourView->setMovement(QListView::Static);
    m_neighbourView->setUniformItemSizes(true);
    m_neighbourView->setWordWrap(false);
    m_neighbourView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_neighbourMessage->setWordWrap(true);
    m_neighbourMessage->setForegroundRole(QPalette::PlaceholderText);

    auto *neighbours = new QWidget(this);
    auto *layout = new QVBoxLayout(neighbours);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_neighbourMessage);
    layout->addWidget(m_neighbourView, 1);
    m_tabs->addTab(neighbours, tr("Neighbours"));
    m_tabs->addTab(m_metadataView, tr("Metadata"));
    m_tabs->addTab(m_historyView, tr("History"));
    m_tabs->setMinimumHeight(160);
    m_tabs->setUsesScrollButtons(false);
    m_tabs->setElideMode(Qt::ElideRight);
    return m_tabs;
}

QString DetailPanel::imageMessage() const
{
    return m_fullImage.isNull() ? m_image->text() : QString();
}

void DetailPanel::showNeighbour(int row)
{
    if (row >= 0 && row < neighbourCount())
        m_session.setSelection({m_neighbours[size_t(row)]}, this);
}

bool DetailPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_image && event->type() == QEvent::Resize)
        rescaleImage();
    return QWidget::eventFilter(watched, event);
}

void DetailPanel::changeEvent(QEvent *event)
{
    // The header's rich text bakes in palette colours.
    if (event->type() == QEvent::PaletteChange && m_current >= 0 && !isLoading())
        showHeader();
    QWidget::changeEvent(event);
}

void DetailPanel::onOpenedOrClosed()
{
    m_current = -1;
    m_query.invalidate();
    if (!m_session.isOpen()) {
        showPlaceholder(tr("No project is open."));
        return;
    }
    // A detection project shows each image with its boxes; a classification one, its probabilities.
    const bool detection = m_session.project()->task() == ProjectTask::Detection;
    m_detection = detection;
    m_detectionPane->setClassNames(m_session.table().classNames);
    m_detectionPane->setVisible(detection);
    m_image->setVisible(!detection);
    m_bars->setVisible(!detection);
    m_barsTitle->setVisible(!detection);
    m_tabs->setVisible(!detection); // neighbours and label history are classification's
    followSelection();
}

void DetailPanel::showPlaceholder(const QString &text)
{
    m_placeholder->setText(text);
    m_pages->setCurrentWidget(m_placeholder);
}

void DetailPanel::followSelection()
{
    const QList<qint64> &selection = m_session.selection();
    const qint64 sample = selection.isEmpty() ? -1 : selection.first();
    if (sample == m_current && sample >= 0)
        return; // e.g. more samples added to the selection: the first one stays
    m_current = sample;
    if (sample < 0 || sample >= m_session.table().size()) {
        m_current = -1;
        m_query.invalidate();
        showPlaceholder(tr("Select a sample to see its image, probabilities, neighbours and history."));
        return;
    }
    reload();
}

void DetailPanel::onSamplesEdited(const QList<qint64> &samples)
{
    if (m_current < 0)
        return;
    showHeader();
    updateNeighbourCaptions();
    if (samples.contains(m_current))
        reload(); // the history gained a row
}

void DetailPanel::onAnalysisReloaded()
{
    if (m_current < 0)
        return;
    showHeader();
    reload();
}

void DetailPanel::reload()
{
    Request request;
    request.sample = m_current;
    request.runId = m_session.table().runId;
    request.images = m_session.table().images;
    request.detection = m_detection;
    m_query.request(m_session.project()->path(),
                    [request](ProjectReader &reader) { return loadDetails(reader.project(), request); });
}

void DetailPanel::waitForLoad()
{
    m_query.waitForIdle();
}

void DetailPanel::onLoadFailed(const QString &message)
{
    m_status->setText(message);
    m_status->setVisible(true);
}

void DetailPanel::apply(const Details &details)
{
    m_status->clear();
    m_status->setVisible(false);
    showHeader();
    showImage(details);
    showProbabilities(details);
    showNeighbours(details);
    showMetadata(details);
    showHistory(details);
    m_pages->setCurrentIndex(1);
    Q_EMIT detailsShown(details.sample);
}

void DetailPanel::showHeader()
{
    const SampleTable &table = m_session.table();
    const QColor dim = palette().color(QPalette::PlaceholderText);
    if (m_detection) { // an image of a detection project: its boxes say the rest
        m_header->setText(headerTitle(table, m_current, dim));
        return;
    }
    const QString rows = headerRow(tr("Given"), givenText(table, m_current, dim)) +
                         predictionRows(table, m_current) +
                         analysisRows(m_session.analysis(), table, m_current);
    m_header->setText(headerTitle(table, m_current, dim) + QStringLiteral("<table style='margin-top:4px'>") +
                      rows + QStringLiteral("</table>"));
}

void DetailPanel::showImage(const Details &details)
{
    m_fullImage = details.image;
    if (details.detection) {
        m_detectionPane->showImage(details.image, details.imageMessage, details.objects, details.predicted,
                                   details.objectIds);
        return;
    }
    if (m_fullImage.isNull()) {
        m_image->setPixmap({});
        m_image->setText(details.imageMessage);
        return;
    }
    m_image->setText(QString());
    rescaleImage();
}

void DetailPanel::rescaleImage()
{
    if (m_fullImage.isNull())
        return;
    const qreal ratio = m_image->devicePixelRatioF();
    QPixmap pixmap = QPixmap::fromImage(fitImage(m_fullImage, m_image->contentsRect().size() * ratio));
    pixmap.setDevicePixelRatio(ratio);
    m_image->setPixmap(pixmap);
}

void DetailPanel::showProbabilities(const Details &details)
{
    const SampleTable &table = m_session.table();
    if (details.probabilities.empty()) {
        m_bars->clear(tr("No predictions: import predictions.npy or logits.npy to see the model's view."));
        return;
    }
    const auto i = size_t(details.sample);
    m_bars->setProbabilities(details.probabilities, table.classNames, table.labels[i],
                             table.hasPredictions() ? table.predicted[i] : -1);
}

void DetailPanel::showMetadata(const Details &details)
{
    m_metadataModel->clear();
    m_metadataModel->setHorizontalHeaderLabels({tr("Field"), tr("Value")});
    for (const auto &[name, value] : details.metadata)
        m_metadataModel->appendRow({readOnlyItem(name), readOnlyItem(value)});
    m_metadataView->resizeColumnToContents(0);
    m_tabs->setTabText(m_tabs->indexOf(m_metadataView), tr("Metadata (%1)").arg(details.metadata.size()));
}

void DetailPanel::showHistory(const Details &details)
{
    const SampleTable &table = m_session.table();
    m_historyModel->clear();
    m_historyModel->setHorizontalHeaderLabels({tr("Time"), tr("Change"), tr("Source"), tr("Note")});
    for (auto edit = details.history.crbegin(); edit != details.history.crend(); ++edit) {
        const QDateTime time = QDateTime::fromString(edit->time, Qt::ISODateWithMs).toLocalTime();
        const QString change =
            QStringLiteral("%1 → %2").arg(className(table, edit->oldLabel), className(table, edit->newLabel));
        auto *timeItem =
            readOnlyItem(time.isValid() ? time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : edit->time);
        timeItem->setToolTip(edit->time);
        m_historyModel->appendRow(
            {timeItem, readOnlyItem(change), readOnlyItem(edit->source), readOnlyItem(edit->note)});
    }
    m_historyView->resizeColumnsToContents();
    m_tabs->setTabText(m_tabs->indexOf(m_historyView), tr("History (%1)").arg(details.history.size()));
}

void DetailPanel::showNeighbours(const Details &details)
{
    m_neighbours = details.neighbours;
    m_distances = details.distances;
    m_neighbourModel->clear();
    for (const QImage &thumbnail : details.thumbnails) {
        auto *item = readOnlyItem(QString());
        // Every cell the same size: uniform items would otherwise all take the first caption's width.
        item->setSizeHint(neighbourCellSize());
        if (!thumbnail.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(thumbnail)));
        m_neighbourModel->appendRow(item);
    }
    updateNeighbourCaptions();
    m_neighbourMessage->setText(details.hasKnnGraph
                                    ? QString()
                                    : tr("This project has no kNN graph: run the analysis "
                                         "on a run with embeddings to find each sample's neighbours."));
    m_neighbourMessage->setVisible(!details.hasKnnGraph);
    m_neighbourView->setVisible(details.hasKnnGraph);
    m_tabs->setTabText(0, tr("Neighbours (%1)").arg(neighbourCount()));
}

QSize DetailPanel::neighbourCellSize() const
{
    return {kThumbnailSide + 36, kThumbnailSide + 2 * fontMetrics().height() + 8};
}

void DetailPanel::updateNeighbourCaptions()
{
    const SampleTable &table = m_session.table();
    for (int row = 0; row < neighbourCount() && row < m_neighbourModel->rowCount(); ++row) {
        const qint64 sample = m_neighbours[size_t(row)];
        const auto i = size_t(sample);
        const QString label = className(table, table.labels[i]);
        const QString distance = QString::number(double(m_distances[size_t(row)]), 'f', 3);
        QStandardItem *item = m_neighbourModel->item(row);
        item->setText(label + QLatin1Char('\n') + distance);
        item->setData(sample, Qt::UserRole);
        item->setToolTip(tr("%1\nlabel: %2\npredicted: %3\ndistance: %4")
                             .arg(table.ids.at(sample), label,
                                  table.hasPredictions() ? className(table, table.predicted[i]) : tr("—"),
                                  distance));
    }
}

} // namespace loupe
