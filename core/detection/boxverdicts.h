#pragma once

#include "detection/annotationerrors.h"
#include "detection/boxerrors.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace loupe {

/**
 * What one box is, for review: an annotated object by its outcome or its suspected
 * annotation error, a predicted box by TIDE's error type (or as an object the annotators
 * overlooked). The order is the order of "by type": annotation errors first, then the
 * model's errors, then what is right.
 */
enum class BoxVerdict : uint8_t {
    WrongClass,     ///< annotation: the evidence names another class
    BadLocation,    ///< annotation: a box of its class overlaps it only partly
    Spurious,       ///< annotation: no box supports it
    Overlooked,     ///< prediction: a confident box on nothing annotated
    Missed,         ///< annotation: no box of its class found it
    Classification, ///< prediction: TIDE's types from here on
    Localization,
    Both,
    Duplicate,
    Background,
    Found,        ///< annotation: a box found it
    TruePositive, ///< prediction: it found its object
    Ignored,      ///< a crowd region, or a box matching only one
};
constexpr int kBoxVerdicts = 13;

/** "wrong class", "badly placed", "missed", "on nothing", ...: for captions and menus. */
QString boxVerdictName(BoxVerdict verdict);
/** Whether the verdict says something is wrong (with the annotation or the model). */
bool isBoxError(BoxVerdict verdict);

/** The parameters of BoxVerdicts::judge. */
struct BoxVerdictParams
{
    BoxErrorParams matching; ///< TIDE's thresholds, and the score below which boxes are left out
    /**
     * An annotation error scoring less is not the verdict (its score still orders the box): more
     * likely than not, as the reports count them. A found object whose box was 80 % sure has
     * spurious evidence 0.2, and is found.
     */
    double minIssueScore = 0.5;
};

/**
 * Every box of a detection set, annotations and predictions, with its verdict and an error
 * score in [0, 1] that ranks one list of both: for an annotation its strongest suspected
 * error (AnnotationErrors), for a prediction how sure the model was of a wrong box (its
 * confidence when TIDE calls it an error, its overlooked score when it is on nothing
 * annotated), 0 for what is right. Predictions scoring below matching.minScore are left out.
 * What the box grid lists; 12 bytes a box, so a million boxes stay small.
 */
class BoxVerdicts
{
public:
    enum class Kind : uint8_t { Annotation, Prediction };

    struct Entry
    {
        uint32_t index = 0; ///< into DetectionSet::annotations or ::detections
        Kind kind = Kind::Annotation;
        BoxVerdict verdict = BoxVerdict::Found;
        float errorScore = 0.0f;
    };

    static BoxVerdicts judge(const DetectionSet &set, const BoxErrors &errors,
                             const AnnotationErrors &annotationErrors, const BoxVerdictParams &params = {});

    const std::vector<Entry> &entries() const { return m_entries; }
    /** Boxes per verdict. */
    const std::vector<qint64> &counts() const { return m_counts; }

    enum class Order { ErrorScore, Type };
    /**
     * The positions (into entries()) of the boxes that pass keep, in order: by error score
     * (highest first), or by verdict and then error score. Ties keep the set's order.
     */
    template<typename Keep> std::vector<uint32_t> select(Order order, Keep keep) const
    {
        std::vector<uint32_t> positions;
        for (uint32_t p = 0; p < m_entries.size(); ++p)
            if (keep(m_entries[p]))
                positions.push_back(p);
        sort(positions, order);
        return positions;
    }

private:
    void sort(std::vector<uint32_t> &positions, Order order) const;

    std::vector<Entry> m_entries;
    std::vector<qint64> m_counts = std::vector<qint64>(kBoxVerdicts, 0);
};

} // namespace loupe
