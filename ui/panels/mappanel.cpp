#include "mappanel.h"

#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/patternsstep.h"
#include "analysis/steps/labelissuesstep.h"
#include "analysis/steps/mapstep.h"
#include "colormaps.h"
#include "common/error.h"
#include "embeddingmapview.h"
#include "maplegend.h"
#include "mapthumbnailsource.h"
#include "projectsession.h"
#include "storage/metadatavalues.h"
#include "storage/project.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedLayout>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

// Correct points recede (pale slate), errors stand out: the map is read for where errors gather.
const QColor kCorrectColor(168, 182, 204);
const QColor kErrorColor(214, 69, 65);
const QColor kEditedColor(46, 134, 222);
const QColor kUneditedColor(150, 150, 150);
// The combo's entries before the metadata columns, and the role holding a column's name.
constexpr int kFixedColorings = 8;
constexpr int kColumnRole = Qt::UserRole + 1;

} // namespace

MapPanel::MapPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_colorBy(new QComboBox(this)), m_placeholder(new QLabel(this)),
      m_stack(new QStackedLayout), m_view(new EmbeddingMapView(this)),
      m_thumbnails(std::make_shared<MapThumbnailSource>(session)),
      m_metadata(
          this, [this](const MetadataValues &values) { onMetadataLoaded(values); },
          [](const QString &) {}) // the column vanished with a reopened project: keep the old colors
{
    m_colorBy->addItem(tr("Error"), int(ColorBy::Error));
    m_colorBy->addItem(tr("Loss"), int(ColorBy::Loss));
    m_colorBy->addItem(tr("Issue score"), int(ColorBy::IssueScore));
    m_colorBy->addItem(tr("Given label"), int(ColorBy::Label));
    m_colorBy->addItem(tr("Predicted class"), int(ColorBy::Predicted));
    m_colorBy->addItem(tr("Cluster"), int(ColorBy::Cluster));
    m_colorBy->addItem(tr("Pattern across classes"), int(ColorBy::Pattern));
    m_colorBy->addItem(tr("Edited"), int(ColorBy::Edited));

    auto *tools = new QButtonGroup(this);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Color by"), this));
    bar->addWidget(m_colorBy);
    bar->addStretch(1);
    const struct
    {
        QString text;
        QString tip;
        EmbeddingMapView::Tool tool;
    } toolButtons[] = {
        {tr("Pan"), tr("Drag to pan; Shift+drag selects a rectangle, Ctrl+drag a lasso"),
         EmbeddingMapView::Tool::Pan},
        {tr("Rectangle"), tr("Drag to select a rectangle (Shift adds, Alt subtracts)"),
         EmbeddingMapView::Tool::Rectangle},
        {tr("Lasso"), tr("Drag to draw a lasso (Shift adds, Alt subtracts)"), EmbeddingMapView::Tool::Lasso},
    };
    for (const auto &entry : toolButtons) {
        auto *button = new QToolButton(this);
        button->setText(entry.text);
        button->setToolTip(entry.tip);
        button->setCheckable(true);
        button->setChecked(entry.tool == EmbeddingMapView::Tool::Pan);
        tools->addButton(button);
        bar->addWidget(button);
        const EmbeddingMapView::Tool tool = entry.tool;
        connect(button, &QToolButton::toggled, this, [this, tool](bool on) {
            if (on)
                m_view->setTool(tool);
        });
    }
    auto *fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show the whole map (Home)"));
    bar->addWidget(fit);
    connect(fit, &QToolButton::clicked, m_view, &EmbeddingMapView::fitToContents);

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setText(tr("No map yet. The map is computed by the analysis (loupe-cli analyze) from the "
                              "run's embeddings, or imported from coords.npy."));
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addLayout(m_stack, 1);

    m_view->setToolTipProvider([this](qint64 sample) { return toolTipFor(sample); });
    m_view->setThumbnailProvider(m_thumbnails);
    connect(m_colorBy, &QComboBox::currentIndexChanged, this, &MapPanel::recolor);
    connect(m_view, &EmbeddingMapView::selectionChanged, this, [this](const std::vector<qint64> &points) {
        m_session.setSelection(QList<qint64>(points.begin(), points.end()), this);
    });
    connect(&session, &ProjectSession::opened, this, &MapPanel::reload);
    connect(&session, &ProjectSession::closed, this, &MapPanel::reload);
    connect(&session, &ProjectSession::analysisReloaded, this, &MapPanel::reload);
    connect(&session, &ProjectSession::filterChanged, this, &MapPanel::recolor);
    connect(&session, &ProjectSession::samplesEdited, this, &MapPanel::recolor);
    connect(&session, &ProjectSession::samplesEdited, this, &MapPanel::updatePriorities);
    connect(&session, &ProjectSession::selectionChanged, this, &MapPanel::onSessionSelection);
    reload();
}

void MapPanel::setColorBy(ColorBy colorBy)
{
    m_colorBy->setCurrentIndex(m_colorBy->findData(int(colorBy)));
}

void MapPanel::highlight(const std::vector<qint64> &samples, const QString &label)
{
    m_view->setHighlight(samples, label);
}

/** Where thumbnails share a cell, the likeliest label error shows (the loss without an analysis). */
void MapPanel::updatePriorities()
{
    const std::vector<float> &scores = m_session.analysis().get<LabelIssueResults>().issueScore;
    m_view->setPriorities(scores.empty() ? m_session.table().loss : scores);
}

void MapPanel::setColorByMetadata(const QString &column)
{
    for (int i = 0; i < m_colorBy->count(); ++i) {
        if (m_colorBy->itemData(i, kColumnRole).toString() == column)
            m_colorBy->setCurrentIndex(i);
    }
}

void MapPanel::loadMetadata(const QString &column)
{
    const qint64 samples = m_session.table().size();
    m_metadata.request(m_session.project()->path(), [column, samples](ProjectReader &reader) {
        return MetadataValues::load(reader.project(), column, samples);
    });
}

void MapPanel::onMetadataLoaded(const MetadataValues &values)
{
    if (ColorBy(m_colorBy->currentData().toInt()) != ColorBy::Metadata ||
        values.column.name != m_colorBy->currentData(kColumnRole).toString())
        return;
    if (values.isNumeric())
        colorScalar(values.numbers, values.column.name);
    else
        colorCategories(values.categories, values.categoryNames);
    Q_EMIT colorByReady();
}

void MapPanel::reload()
{
    m_metadata.invalidate();
    const std::vector<float> &map = m_session.analysis().get<MapResults>().coordinates;
    m_stack->setCurrentWidget(map.empty() ? static_cast<QWidget *>(m_placeholder) : m_view);
    m_view->setPoints(map);
    updatePriorities();
    const QSignalBlocker blocker(m_colorBy);
    while (m_colorBy->count() > kFixedColorings)
        m_colorBy->removeItem(kFixedColorings);
    if (m_session.isOpen()) {
        for (const MetadataColumn &column : m_session.project()->metadataColumns()) {
            m_colorBy->addItem(tr("Metadata: %1").arg(column.name), int(ColorBy::Metadata));
            m_colorBy->setItemData(m_colorBy->count() - 1, column.name, kColumnRole);
        }
    }
    recolor();
}

void MapPanel::recolor()
{
    if (!m_session.isOpen() || !m_session.analysis().get<MapResults>().hasMap())
        return;
    const SampleTable &table = m_session.table();
    const AnalysisResults &analysis = m_session.analysis();
    const qint64 n = table.size();
    switch (ColorBy(m_colorBy->currentData().toInt())) {
    case ColorBy::Error: {
        std::vector<int> category(static_cast<size_t>(n), -1);
        for (qint64 i = 0; i < n; ++i) {
            if (table.isEvaluated(i))
                category[size_t(i)] = table.isError(i) ? 1 : 0;
        }
        colorCategories(std::move(category), {tr("correct"), tr("error")});
        break;
    }
    case ColorBy::Loss:
        colorScalar(table.loss, tr("loss"));
        break;
    case ColorBy::IssueScore:
        colorScalar(analysis.get<LabelIssueResults>().issueScore, tr("issue score"));
        break;
    case ColorBy::Label:
        colorCategories(table.labels, table.classNames);
        break;
    case ColorBy::Predicted:
        colorCategories(table.predicted, table.classNames);
        break;
    case ColorBy::Cluster: {
        QStringList names;
        int clusters = 0;
        const std::vector<int> &assignment = analysis.get<EmbeddingClusters>().assignment;
        for (const int c : assignment)
            clusters = std::max(clusters, c + 1);
        for (int c = 0; c < clusters; ++c)
            names << tr("cluster %1").arg(c);
        colorCategories(assignment, names);
        break;
    }
    case ColorBy::Pattern: {
        // Samples in no pattern (most of them) stay gray, so the patterns stand out.
        QStringList names;
        int patterns = 0;
        const std::vector<int> &assignment = analysis.get<FailurePatterns>().assignment;
        for (const int p : assignment)
            patterns = std::max(patterns, p + 1);
        for (int p = 0; p < patterns; ++p)
            names << tr("pattern %1").arg(p);
        colorCategories(assignment, names);
        break;
    }
    case ColorBy::Metadata:
        loadMetadata(m_colorBy->currentData(kColumnRole).toString());
        return;
    case ColorBy::Edited: {
        std::vector<int> category(static_cast<size_t>(n));
        for (qint64 i = 0; i < n; ++i)
            category[size_t(i)] = table.isEdited(i) ? 1 : 0;
        colorCategories(std::move(category), {tr("as imported"), tr("edited")});
        break;
    }
    }
    Q_EMIT colorByReady();
}

void MapPanel::colorCategories(std::vector<int> category, const QStringList &names)
{
    category.resize(size_t(m_session.table().size()), -1);
    for (size_t i = 0; i < category.size(); ++i) {
        if (!m_session.isInFilter(qint64(i)))
            category[i] = -1; // outside the filter: gray
    }
    QList<QColor> palette = colormaps::categorical();
    const ColorBy colorBy = ColorBy(m_colorBy->currentData().toInt());
    if (colorBy == ColorBy::Error)
        palette = {kCorrectColor, kErrorColor};
    else if (colorBy == ColorBy::Edited)
        palette = {kUneditedColor, kEditedColor};
    m_view->setCategoricalColors(category, palette);
    QList<MapLegendEntry> legend;
    // Dozens of clusters do not make a readable legend; classes and flags do.
    if (names.size() <= 24) {
        for (int c = 0; c < names.size(); ++c)
            legend.append({names[c], palette[c % palette.size()]});
    }
    m_view->setLegend(legend, m_colorBy->currentText());
}

void MapPanel::colorScalar(std::vector<float> values, const QString &title)
{
    values.resize(size_t(m_session.table().size()), NAN);
    for (size_t i = 0; i < values.size(); ++i) {
        if (!m_session.isInFilter(qint64(i)))
            values[i] = NAN;
    }
    m_view->setScalarColors(values, Colormap::Viridis);
    m_view->setLegend({}, title);
}

void MapPanel::onSessionSelection(const QObject *origin)
{
    if (origin == this)
        return;
    const QList<qint64> &selection = m_session.selection();
    std::vector<qint64> points(selection.begin(), selection.end());
    std::sort(points.begin(), points.end());
    const QSignalBlocker blocker(m_view); // a selection made elsewhere is not re-announced
    m_view->setSelection(points);
}

QString MapPanel::toolTipFor(qint64 sample) const
{
    const SampleTable &table = m_session.table();
    if (sample < 0 || sample >= table.size())
        return {};
    const int label = table.labels[size_t(sample)];
    const int predicted = table.predicted[size_t(sample)];
    // Rich text, so the tooltip shows the image itself (read from disk by Qt's text engine).
    const QString image = m_session.project()->absoluteImagePath(table.images.at(sample));
    QString text =
        QStringLiteral("<img src=\"%1\" width=\"112\" height=\"112\"><br><b>%2</b><br>")
            .arg(QUrl::fromLocalFile(image).toString().toHtmlEscaped(), table.ids.at(sample).toHtmlEscaped());
    text +=
        tr("given: %1").arg((label < 0 ? tr("(unlabeled)") : table.classNames.value(label)).toHtmlEscaped());
    if (predicted >= 0)
        text += tr("<br>predicted: %1 (%2%)")
                    .arg(table.classNames.value(predicted).toHtmlEscaped())
                    .arg(double(table.confidence[size_t(sample)]) * 100.0, 0, 'f', 0);
    const auto &scores = m_session.analysis().get<LabelIssueResults>().issueScore;
    if (size_t(sample) < scores.size() && std::isfinite(scores[size_t(sample)]))
        text += tr("<br>issue score: %1").arg(double(scores[size_t(sample)]), 0, 'f', 2);
    return text;
}

} // namespace loupe
