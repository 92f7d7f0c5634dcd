#pragma once

#include "detection/detections.h"

#include <cstdint>
#include <vector>

namespace loupe {

/** A small grayscale item to place (a Fashion-MNIST image) and its class. */
struct SceneItem
{
    const uint8_t *pixels = nullptr; ///< side x side, row-major
    int side = 28;
    int category = 0;
};

/** One composed scene: its pixels and the true boxes of the items in it. */
struct Scene
{
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;     ///< row-major grayscale
    std::vector<Annotation> objects; ///< image index left 0: the caller numbers scenes
};

/** How scenes are composed (SceneComposer). */
struct SceneParams
{
    int side = 96; ///< scenes are side x side
    int minItems = 1;
    int maxItems = 4;
    int minItemSide = 20; ///< an item is scaled to a square of this to maxItemSide pixels
    int maxItemSide = 44;
    double maxOverlap = 0.15; ///< IoU allowed between two items' boxes
};

/**
 * Composes detection scenes from small items: a background (a base level, a linear
 * gradient and sensor noise, different in every scene), then 1 to 4 items scaled and placed
 * at random, drawn over it (the brighter pixel wins, as the items are bright on black). An
 * item's true box is the extent of its own visible pixels once scaled, so a box is tight
 * whatever the item's shape. Seeded: the same seed composes the same scenes.
 */
class SceneComposer
{
public:
    SceneComposer(SceneParams params, uint64_t seed);

    /** A new scene from items drawn by pick(), which returns a random item each call. */
    template<typename Pick> Scene compose(Pick pick)
    {
        Scene scene = background();
        const int items = uniformInt(m_params.minItems, m_params.maxItems);
        for (int k = 0; k < items; ++k)
            place(scene, pick());
        return scene;
    }

    /** A random integer in [low, high], from the composer's stream (for the caller's picks too). */
    int uniformInt(int low, int high);

private:
    Scene background();
    void place(Scene &scene, const SceneItem &item);

    SceneParams m_params;
    uint64_t m_state;
};

} // namespace loupe
