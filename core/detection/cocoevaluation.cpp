#include "detection/cocoevaluation.h"

#include "common/error.h"

#include <QString>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace loupe {

namespace {

/** Indexes of the items of one (category, image), in input order. */
struct Group
{
    int category = 0;
    qint64 image = 0;
    std::vector<qint64> annotations;
    std::vector<qint64> detections;
};

/** Every (category, image) with an annotation or a detection, by category then image. */
std::vector<Group> groupsOf(const DetectionSet &set)
{
    struct Item
    {
        int category;
        qint64 image;
        bool detection;
        qint64 index;
    };
    std::vector<Item> items;
    items.reserve(set.annotations.size() + set.detections.size());
    for (size_t i = 0; i < set.annotations.size(); ++i)
        items.push_back({set.annotations[i].category, set.annotations[i].image, false, qint64(i)});
    for (size_t i = 0; i < set.detections.size(); ++i)
        items.push_back({set.detections[i].category, set.detections[i].image, true, qint64(i)});
    std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) {
        return a.category != b.category ? a.category < b.category : a.image < b.image;
    });
    std::vector<Group> groups;
    for (const Item &item : items) {
        if (groups.empty() || groups.back().category != item.category || groups.back().image != item.image)
            groups.push_back({item.category, item.image, {}, {}});
        (item.detection ? groups.back().detections : groups.back().annotations).push_back(item.index);
    }
    return groups;
}

/** One kept detection of one category and size range: its score and, per threshold, its outcome. */
struct Scored
{
    double score = 0.0;
    qint64 offset = 0; ///< into the flags: thresholds entries
};

/** What one (category, size range) accumulates over images. */
struct Accumulator
{
    std::vector<Scored> detections;
    std::vector<quint8> matched; ///< per detection x threshold
    std::vector<quint8> ignored;
    qint64 annotations = 0; ///< not ignored
};

/**
 * pycocotools' evaluateImg for one image, category and size range: appends the kept detections'
 * outcomes at every threshold to into.
 */
void evaluateImage(const DetectionSet &set, const Group &group, std::pair<double, double> bounds,
                   const CocoEvaluationParams &params, Accumulator &into)
{
    const auto outside = [&bounds](double area) {
        return area < bounds.first || area > bounds.second;
    };
    // Annotations that count first (stable), then the ignored ones: crowds and other sizes.
    std::vector<qint64> gts = group.annotations;
    std::vector<quint8> gtIgnored;
    std::stable_sort(gts.begin(), gts.end(), [&](qint64 a, qint64 b) {
        const Annotation &x = set.annotations[size_t(a)], &y = set.annotations[size_t(b)];
        return int(x.crowd || outside(x.sizeArea())) < int(y.crowd || outside(y.sizeArea()));
    });
    for (const qint64 g : gts) {
        const Annotation &a = set.annotations[size_t(g)];
        gtIgnored.push_back(a.crowd || outside(a.sizeArea()));
        into.annotations += !gtIgnored.back();
    }
    std::vector<qint64> dts = group.detections;
    std::stable_sort(dts.begin(), dts.end(), [&](qint64 a, qint64 b) {
        return set.detections[size_t(a)].score > set.detections[size_t(b)].score;
    });
    if (dts.size() > size_t(params.maxDetections))
        dts.resize(size_t(params.maxDetections));

    const size_t g = gts.size(), d = dts.size(), t = params.iouThresholds.size();
    std::vector<double> ious(d * g);
    for (size_t i = 0; i < d; ++i) {
        for (size_t j = 0; j < g; ++j) {
            const Annotation &a = set.annotations[size_t(gts[j])];
            ious[i * g + j] = iou(set.detections[size_t(dts[i])].box, a.box, a.crowd);
        }
    }
    const qint64 first = qint64(into.detections.size());
    for (size_t i = 0; i < d; ++i)
        into.detections.push_back({set.detections[size_t(dts[i])].score, (first + qint64(i)) * qint64(t)});
    into.matched.resize(into.matched.size() + d * t, 0);
    into.ignored.resize(into.ignored.size() + d * t, 0);
    std::vector<qint64> taken(g);
    for (size_t k = 0; k < t; ++k) {
        std::fill(taken.begin(), taken.end(), -1);
        for (size_t i = 0; i < d; ++i) {
            double best = std::min(params.iouThresholds[k], 1.0 - 1e-10);
            qint64 match = -1;
            for (size_t j = 0; j < g; ++j) {
                const Annotation &a = set.annotations[size_t(gts[j])];
                if (taken[j] >= 0 && !a.crowd)
                    continue;
                if (match >= 0 && !gtIgnored[size_t(match)] && gtIgnored[j])
                    break; // matched one that counts; the rest are ignored ones
                if (ious[i * g + j] < best)
                    continue;
                best = ious[i * g + j];
                match = qint64(j);
            }
            const size_t flag = (size_t(first) + i) * t + k;
            if (match >= 0) {
                into.matched[flag] = 1;
                into.ignored[flag] = gtIgnored[size_t(match)];
                taken[size_t(match)] = qint64(i);
            } else {
                into.ignored[flag] = outside(set.detections[size_t(dts[i])].box.area());
            }
        }
    }
}

/**
 * pycocotools' accumulate for one threshold of one (category, size range): the interpolated
 * precision at each recall point (empty when there is nothing to find), and the recall reached.
 */
std::vector<double> interpolatedPrecision(const Accumulator &acc, const std::vector<size_t> &order, size_t k,
                                          const std::vector<double> &recallPoints, double &recallReached)
{
    recallReached = 0.0;
    if (acc.annotations == 0)
        return {};
    const size_t n = order.size();
    std::vector<double> recall(n), precision(n);
    double tp = 0.0, fp = 0.0;
    for (size_t r = 0; r < n; ++r) {
        const size_t flag = size_t(acc.detections[order[r]].offset) + k;
        if (!acc.ignored[flag]) {
            tp += acc.matched[flag];
            fp += !acc.matched[flag];
        }
        recall[r] = tp / double(acc.annotations);
        precision[r] = tp / (tp + fp + std::numeric_limits<double>::epsilon());
    }
    if (n > 0)
        recallReached = recall.back();
    for (size_t r = n; r-- > 1;)
        precision[r - 1] = std::max(precision[r - 1], precision[r]);
    std::vector<double> q(recallPoints.size(), 0.0);
    for (size_t p = 0; p < recallPoints.size(); ++p) {
        const size_t at =
            size_t(std::lower_bound(recall.begin(), recall.end(), recallPoints[p]) - recall.begin());
        if (at < n)
            q[p] = precision[at];
    }
    return q;
}

double mean(const std::vector<double> &values)
{
    return values.empty() ? std::nan("")
                          : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

/** Mean over the values that are numbers; NaN when none is. */
double meanOfDefined(const std::vector<double> &values)
{
    double sum = 0.0;
    int n = 0;
    for (const double v : values) {
        if (!std::isnan(v)) {
            sum += v;
            ++n;
        }
    }
    return n > 0 ? sum / n : std::nan("");
}

void validate(const DetectionSet &set, const CocoEvaluationParams &params)
{
    if (params.iouThresholds.empty() || params.recallPoints < 2 || params.maxDetections < 1)
        throw Error(QStringLiteral("detection evaluation: need IoU thresholds, 2 or more recall points and "
                                   "at least one detection per image"));
    const auto badCategory = [&set](int c) {
        return c < 0 || c >= set.categories;
    };
    for (const Annotation &a : set.annotations) {
        if (badCategory(a.category))
            throw Error(
                QStringLiteral("detection evaluation: annotation of unknown category %1").arg(a.category));
    }
    for (const Detection &d : set.detections) {
        if (badCategory(d.category))
            throw Error(
                QStringLiteral("detection evaluation: detection of unknown category %1").arg(d.category));
        if (!std::isfinite(d.score))
            throw Error(QStringLiteral("detection evaluation: a detection of image %1 has no finite score")
                            .arg(d.image));
    }
}

} // namespace

std::vector<double> linspace(double start, double stop, int num)
{
    std::vector<double> values(size_t(std::max(0, num)));
    if (num == 1)
        values[0] = start;
    if (num < 2)
        return values;
    const double step = (stop - start) / double(num - 1);
    for (int i = 0; i < num; ++i)
        values[size_t(i)] = double(i) * step + start;
    values.back() = stop;
    return values;
}

std::pair<double, double> areaBounds(AreaRange range)
{
    constexpr double kHuge = 1e10; // COCO's "all" upper bound
    switch (range) {
    case AreaRange::All:
        return {0.0, kHuge};
    case AreaRange::Small:
        return {0.0, 32.0 * 32.0};
    case AreaRange::Medium:
        return {32.0 * 32.0, 96.0 * 96.0};
    case AreaRange::Large:
        return {96.0 * 96.0, kHuge};
    }
    return {0.0, kHuge};
}

CocoEvaluation CocoEvaluation::compute(const DetectionSet &set, const CocoEvaluationParams &params)
{
    validate(set, params);
    const size_t thresholds = params.iouThresholds.size();
    const std::vector<double> recallPoints = linspace(0.0, 1.0, params.recallPoints);
    const std::vector<Group> groups = groupsOf(set);
    const auto thresholdIndex = [&](double value) {
        for (size_t k = 0; k < thresholds; ++k) {
            if (std::abs(params.iouThresholds[k] - value) < 1e-9)
                return qint64(k);
        }
        return qint64(-1);
    };
    const qint64 at50 = thresholdIndex(0.5), at75 = thresholdIndex(0.75);

    CocoEvaluation result;
    size_t next = 0;
    for (int c = 0; c < set.categories; ++c) {
        Accumulator byRange[kAreaRanges];
        CategoryEvaluation category;
        category.category = c;
        for (; next < groups.size() && groups[next].category == c; ++next) {
            for (int r = 0; r < kAreaRanges; ++r)
                evaluateImage(set, groups[next], areaBounds(AreaRange(r)), params, byRange[r]);
            category.detections += qint64(groups[next].detections.size());
        }
        category.annotations = byRange[int(AreaRange::All)].annotations;
        for (int r = 0; r < kAreaRanges; ++r) {
            const Accumulator &acc = byRange[r];
            std::vector<size_t> order(acc.detections.size());
            std::iota(order.begin(), order.end(), size_t(0));
            std::stable_sort(order.begin(), order.end(), [&acc](size_t a, size_t b) {
                return acc.detections[a].score > acc.detections[b].score;
            });
            std::vector<double> apPerThreshold;
            for (size_t k = 0; k < thresholds; ++k) {
                double reached = 0.0;
                const std::vector<double> q = interpolatedPrecision(acc, order, k, recallPoints, reached);
                apPerThreshold.push_back(q.empty() ? std::nan("") : mean(q));
                if (r == int(AreaRange::All) && qint64(k) == at50) {
                    category.precisionAt50 = q;
                    category.recallAt50 = reached;
                }
            }
            category.apBySize[r] = meanOfDefined(apPerThreshold);
            if (r == int(AreaRange::All)) {
                category.apPerThreshold = apPerThreshold;
                category.ap = category.apBySize[r];
                category.ap50 = at50 >= 0 ? apPerThreshold[size_t(at50)] : std::nan("");
                category.ap75 = at75 >= 0 ? apPerThreshold[size_t(at75)] : std::nan("");
            }
        }
        result.perCategory.push_back(std::move(category));
    }
    std::vector<double> ap, ap50, ap75, bySize[kAreaRanges];
    for (const CategoryEvaluation &c : result.perCategory) {
        ap.push_back(c.ap);
        ap50.push_back(c.ap50);
        ap75.push_back(c.ap75);
        for (int r = 0; r < kAreaRanges; ++r)
            bySize[r].push_back(c.apBySize[r]);
    }
    result.map = meanOfDefined(ap);
    result.map50 = meanOfDefined(ap50);
    result.map75 = meanOfDefined(ap75);
    for (int r = 0; r < kAreaRanges; ++r)
        result.mapBySize[r] = meanOfDefined(bySize[r]);
    return result;
}

} // namespace loupe
