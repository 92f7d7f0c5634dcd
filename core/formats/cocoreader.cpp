#include "formats/cocoreader.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/jsonstream.h"

#include <QSet>

#include <cmath>

namespace loupe {

namespace {

/** Boxes may reach this far past the image's border: COCO's float boxes round outwards. */
constexpr double kBorderTolerance = 1.0;

/** An annotation as read, before its image and category ids are looked up. */
struct RawAnnotation
{
    CocoAnnotation annotation;
    qint64 imageId = 0;
    qint64 categoryId = 0;
    qint64 line = 0;
    qint64 index = 0;
    bool hasImage = false, hasCategory = false, hasBox = false;
};

QString entry(const char *list, qint64 index, qint64 id = -1)
{
    return id >= 0 ? QStringLiteral("%1[%2] (id %3)").arg(QLatin1String(list)).arg(index).arg(id)
                   : QStringLiteral("%1[%2]").arg(QLatin1String(list)).arg(index);
}

QString boxText(const Box &box)
{
    return QStringLiteral("[%1, %2, %3, %4]")
        .arg(box.x, 0, 'g', 10)
        .arg(box.y, 0, 'g', 10)
        .arg(box.width, 0, 'g', 10)
        .arg(box.height, 0, 'g', 10);
}

/** An integer id: a whole number (COCO writes them as numbers). */
qint64 readId(JsonStream &json, const QString &what)
{
    const double value = json.readNumber(what);
    if (!std::isfinite(value) || value != std::floor(value) || std::abs(value) > 9e15)
        json.fail(QStringLiteral("%1: expected a whole number").arg(what));
    return qint64(value);
}

Box readBox(JsonStream &json, const QString &what)
{
    double values[4] = {};
    qint64 count = 0;
    json.readArray(
        [&](qint64 i) {
            const double v = json.readNumber(what);
            if (i < 4)
                values[i] = v;
            ++count;
        },
        what);
    if (count != 4 || !std::isfinite(values[0]) || !std::isfinite(values[1]) || !std::isfinite(values[2]) ||
        !std::isfinite(values[3]))
        json.fail(QStringLiteral("%1: bbox must be four numbers [x, y, width, height]").arg(what));
    const Box box{values[0], values[1], values[2], values[3]};
    if (box.width <= 0.0 || box.height <= 0.0)
        json.fail(QStringLiteral("%1: the box %2 has no area (width and height must be positive)")
                      .arg(what, boxText(box)));
    return box;
}

void reportProgress(const JsonStream &json, Progress &progress)
{
    progress.throwIfCancelled();
    progress.setProgress(json.bytesRead(), std::max<qint64>(1, json.fileSize()));
}

CocoImage readImage(JsonStream &json, qint64 index)
{
    CocoImage image;
    bool hasId = false;
    const QString what = entry("images", index);
    json.readObject(
        [&](const QString &key) {
            if (key == QLatin1String("id")) {
                image.id = readId(json, what + QStringLiteral(": id"));
                hasId = true;
            } else if (key == QLatin1String("file_name")) {
                image.fileName = json.readString(what + QStringLiteral(": file_name"));
            } else if (key == QLatin1String("width") || key == QLatin1String("height")) {
                const double v = json.readNumber(what + QLatin1String(": ") + key);
                if (!(v > 0.0) || v != std::floor(v) || v > 1e6)
                    json.fail(QStringLiteral("%1: %2 must be a positive whole number").arg(what, key));
                (key == QLatin1String("width") ? image.width : image.height) = int(v);
            } else {
                const JsonStream::Token token = json.next();
                if (token == JsonStream::Token::BeginObject || token == JsonStream::Token::BeginArray) {
                    json.skipRest(token); // not a scalar: not metadata
                } else {
                    QString value;
                    if (token == JsonStream::Token::String)
                        value = json.text();
                    else if (token == JsonStream::Token::Number)
                        value = QString::number(json.number(), 'g', 17);
                    else if (token != JsonStream::Token::Null)
                        value = token == JsonStream::Token::True ? QStringLiteral("true")
                                                                 : QStringLiteral("false");
                    image.metadata.emplace_back(key, value);
                }
            }
        },
        what);
    if (!hasId || image.fileName.isEmpty())
        json.fail(QStringLiteral("%1: an image needs an id and a file_name").arg(what));
    return image;
}

CocoCategory readCategory(JsonStream &json, qint64 index)
{
    CocoCategory category;
    bool hasId = false;
    const QString what = entry("categories", index);
    json.readObject(
        [&](const QString &key) {
            if (key == QLatin1String("id")) {
                category.id = readId(json, what + QStringLiteral(": id"));
                hasId = true;
            } else if (key == QLatin1String("name")) {
                category.name = json.readString(what + QStringLiteral(": name"));
            } else if (key == QLatin1String("supercategory")) {
                category.supercategory = json.readScalarAsText(what + QStringLiteral(": supercategory"));
            } else {
                json.skipValue();
            }
        },
        what);
    if (!hasId || category.name.trimmed().isEmpty())
        json.fail(QStringLiteral("%1: a category needs an id and a name").arg(what));
    return category;
}

RawAnnotation readAnnotation(JsonStream &json, qint64 index)
{
    RawAnnotation raw;
    raw.index = index;
    raw.line = json.line();
    const QString what = entry("annotations", index);
    json.readObject(
        [&](const QString &key) {
            if (key == QLatin1String("id"))
                raw.annotation.id = readId(json, what + QStringLiteral(": id"));
            else if (key == QLatin1String("image_id"))
                raw.imageId = readId(json, what + QStringLiteral(": image_id")), raw.hasImage = true;
            else if (key == QLatin1String("category_id"))
                raw.categoryId = readId(json, what + QStringLiteral(": category_id")), raw.hasCategory = true;
            else if (key == QLatin1String("bbox"))
                raw.annotation.box = readBox(json, what), raw.hasBox = true;
            else if (key == QLatin1String("area"))
                raw.annotation.area = json.readNumber(what + QStringLiteral(": area"));
            else if (key == QLatin1String("iscrowd"))
                raw.annotation.crowd = json.readBool(what + QStringLiteral(": iscrowd"));
            else
                json.skipValue(); // segmentation, keypoints, ...
        },
        what);
    if (!raw.hasImage || !raw.hasCategory || !raw.hasBox)
        json.fail(QStringLiteral("%1: an annotation needs image_id, category_id and bbox")
                      .arg(entry("annotations", index, raw.annotation.id)));
    if (!std::isfinite(raw.annotation.area) || raw.annotation.area < 0.0)
        raw.annotation.area = 0.0;
    return raw;
}

} // namespace

qint64 cocoImageId(const QString &sampleId, qint64 sample)
{
    bool whole = false;
    const qint64 value = sampleId.toLongLong(&whole);
    return whole ? value : sample + 1;
}

QString boxOutsideImage(const Box &box, const CocoImage &image)
{
    if (box.x < -kBorderTolerance || box.y < -kBorderTolerance)
        return QStringLiteral("starts outside the image (negative x or y)");
    if (image.width > 0 && box.right() > image.width + kBorderTolerance)
        return QStringLiteral("reaches past the image's width %1").arg(image.width);
    if (image.height > 0 && box.bottom() > image.height + kBorderTolerance)
        return QStringLiteral("reaches past the image's height %1").arg(image.height);
    return {};
}

namespace {

/** Looks every raw annotation's image and category up and checks its box against its image. */
std::vector<CocoAnnotation> resolve(const std::vector<RawAnnotation> &raws, const CocoDataset &dataset,
                                    const QString &file)
{
    std::vector<CocoAnnotation> annotations;
    annotations.reserve(raws.size());
    QSet<qint64> ids;
    for (const RawAnnotation &raw : raws) {
        const QString what = entry("annotations", raw.index, raw.annotation.id);
        const auto problem = [&](const QString &text) {
            return Error(locatedMessage(file, raw.line, QStringLiteral("%1: %2").arg(what, text)));
        };
        CocoAnnotation a = raw.annotation;
        if (a.id >= 0) {
            if (ids.contains(a.id))
                throw problem(QStringLiteral("the id %1 is used by another annotation").arg(a.id));
            ids.insert(a.id);
        }
        a.image = dataset.imageIndex(raw.imageId);
        if (a.image < 0)
            throw problem(QStringLiteral("image_id %1 is not among the images").arg(raw.imageId));
        a.category = dataset.categoryIndex(raw.categoryId);
        if (a.category < 0)
            throw problem(QStringLiteral("category_id %1 is not among the categories").arg(raw.categoryId));
        const QString outside = boxOutsideImage(a.box, dataset.images[size_t(a.image)]);
        if (!outside.isEmpty())
            throw problem(QStringLiteral("the box %1 %2").arg(boxText(a.box), outside));
        annotations.push_back(a);
    }
    return annotations;
}

template<typename Item>
QHash<qint64, qint64> indexById(const std::vector<Item> &items, const char *list, const QString &file)
{
    QHash<qint64, qint64> index;
    index.reserve(qsizetype(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
        if (index.contains(items[i].id))
            throw Error(locatedMessage(file, 0,
                                       QStringLiteral("%1: the id %2 is used twice")
                                           .arg(entry(list, qint64(i), items[i].id))
                                           .arg(items[i].id)));
        index.insert(items[i].id, qint64(i));
    }
    return index;
}

} // namespace

void CocoDataset::indexIds(const QString &file)
{
    imageById = indexById(images, "images", file);
    categoryById = indexById(categories, "categories", file);
}

CocoDataset CocoReader::readInstances(const QString &path, Progress &progress)
{
    JsonStream json(path);
    CocoDataset dataset;
    std::vector<RawAnnotation> raws;
    bool hasImages = false, hasAnnotations = false, hasCategories = false;
    json.readObject(
        [&](const QString &key) {
            if (key == QLatin1String("images")) {
                hasImages = true;
                json.readArray(
                    [&](qint64 i) {
                        dataset.images.push_back(readImage(json, i));
                        if (i % 4096 == 0)
                            reportProgress(json, progress);
                    },
                    QStringLiteral("images"));
            } else if (key == QLatin1String("annotations")) {
                hasAnnotations = true;
                json.readArray(
                    [&](qint64 i) {
                        raws.push_back(readAnnotation(json, i));
                        if (i % 4096 == 0)
                            reportProgress(json, progress);
                    },
                    QStringLiteral("annotations"));
            } else if (key == QLatin1String("categories")) {
                hasCategories = true;
                json.readArray([&](qint64 i) { dataset.categories.push_back(readCategory(json, i)); },
                               QStringLiteral("categories"));
            } else {
                json.skipValue(); // info, licenses, ...
            }
        },
        QStringLiteral("the document"));
    json.expectEnd();
    const QString file = json.fileName();
    if (!hasImages || !hasAnnotations || !hasCategories)
        throw Error(locatedMessage(file, 0,
                                   QStringLiteral("not a COCO instances file: it needs \"images\", "
                                                  "\"annotations\" and \"categories\"")));
    dataset.indexIds(file);
    dataset.annotations = resolve(raws, dataset, file);
    return dataset;
}

std::vector<CocoResult> CocoReader::readResults(const QString &path, const CocoDataset &dataset,
                                                Progress &progress)
{
    JsonStream json(path);
    std::vector<CocoResult> results;
    json.readArray(
        [&](qint64 index) {
            const QString what = entry("results", index);
            CocoResult result;
            qint64 imageId = 0, categoryId = 0;
            bool hasImage = false, hasCategory = false, hasBox = false, hasScore = false;
            json.readObject(
                [&](const QString &key) {
                    if (key == QLatin1String("image_id"))
                        imageId = readId(json, what + QStringLiteral(": image_id")), hasImage = true;
                    else if (key == QLatin1String("category_id"))
                        categoryId = readId(json, what + QStringLiteral(": category_id")), hasCategory = true;
                    else if (key == QLatin1String("bbox"))
                        result.box = readBox(json, what), hasBox = true;
                    else if (key == QLatin1String("score"))
                        result.score = json.readNumber(what + QStringLiteral(": score")), hasScore = true;
                    else if (key == QLatin1String("probabilities"))
                        json.readArray(
                            [&](qint64) {
                                result.probabilities.push_back(
                                    float(json.readNumber(what + QStringLiteral(": probabilities"))));
                            },
                            what + QStringLiteral(": probabilities"));
                    else if (key == QLatin1String("embedding"))
                        result.embeddingRow = readId(json, what + QStringLiteral(": embedding"));
                    else
                        json.skipValue();
                },
                what);
            if (!hasImage || !hasCategory || !hasBox || !hasScore)
                json.fail(
                    QStringLiteral("%1: a result needs image_id, category_id, bbox and score").arg(what));
            if (!std::isfinite(result.score) || result.score < 0.0 || result.score > 1.0)
                json.fail(QStringLiteral("%1: the score must be a number in [0, 1]").arg(what));
            result.image = dataset.imageIndex(imageId);
            if (result.image < 0)
                json.fail(QStringLiteral("%1: image_id %2 is not among the dataset's images")
                              .arg(what)
                              .arg(imageId));
            result.category = dataset.categoryIndex(categoryId);
            if (result.category < 0)
                json.fail(QStringLiteral("%1: category_id %2 is not among the dataset's categories")
                              .arg(what)
                              .arg(categoryId));
            if (!result.probabilities.empty()) {
                if (result.probabilities.size() != dataset.categories.size())
                    json.fail(QStringLiteral("%1: %2 probabilities for %3 categories")
                                  .arg(what)
                                  .arg(result.probabilities.size())
                                  .arg(dataset.categories.size()));
                double sum = 0.0;
                for (const float p : result.probabilities) {
                    if (!std::isfinite(p) || p < 0.0f || p > 1.0f)
                        json.fail(QStringLiteral("%1: probabilities must be numbers in [0, 1]").arg(what));
                    sum += p;
                }
                if (std::abs(sum - 1.0) > 1e-3)
                    json.fail(
                        QStringLiteral("%1: probabilities sum to %2, not 1").arg(what).arg(sum, 0, 'g', 6));
            }
            results.push_back(std::move(result));
            if (index % 4096 == 0)
                reportProgress(json, progress);
        },
        QStringLiteral("the results (a list of detections)"));
    json.expectEnd();
    return results;
}

} // namespace loupe
