#include "demo/scenecomposer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace loupe {

namespace {

constexpr int kVisible = 30; ///< an item's pixel above this is part of its box

/** splitmix64: one step of a small, seedable stream. */
uint64_t nextRandom(uint64_t &state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double uniform(uint64_t &state)
{
    return double(nextRandom(state) >> 11) * 0x1.0p-53;
}

} // namespace

SceneComposer::SceneComposer(SceneParams params, uint64_t seed) : m_params(params), m_state(seed) {}

int SceneComposer::uniformInt(int low, int high)
{
    return low + int(nextRandom(m_state) % uint64_t(std::max(1, high - low + 1)));
}

Scene SceneComposer::background()
{
    Scene scene;
    scene.width = scene.height = m_params.side;
    scene.pixels.resize(size_t(scene.width) * size_t(scene.height));
    const double base = 40.0 * uniform(m_state);
    const double angle = 2.0 * M_PI * uniform(m_state), amplitude = 30.0 * uniform(m_state);
    std::mt19937_64 noiseStream(nextRandom(m_state));
    std::normal_distribution<double> noise(0.0, 6.0);
    const double cx = std::cos(angle) / m_params.side, cy = std::sin(angle) / m_params.side;
    for (int y = 0; y < scene.height; ++y) {
        for (int x = 0; x < scene.width; ++x) {
            const double value = base + amplitude * (0.5 + 0.5 * (cx * x + cy * y)) + noise(noiseStream);
            scene.pixels[size_t(y) * size_t(scene.width) + size_t(x)] =
                uint8_t(std::clamp(value, 0.0, 255.0));
        }
    }
    return scene;
}

void SceneComposer::place(Scene &scene, const SceneItem &item)
{
    const int side = uniformInt(m_params.minItemSide, m_params.maxItemSide);
    const cv::Mat source(item.side, item.side, CV_8UC1, const_cast<uint8_t *>(item.pixels));
    cv::Mat scaled;
    cv::resize(source, scaled, cv::Size(side, side), 0, 0, cv::INTER_AREA);
    // The box of the item's visible pixels, within its square.
    int left = side, top = side, right = -1, bottom = -1;
    for (int y = 0; y < side; ++y) {
        for (int x = 0; x < side; ++x) {
            if (scaled.at<uint8_t>(y, x) > kVisible) {
                left = std::min(left, x), right = std::max(right, x);
                top = std::min(top, y), bottom = std::max(bottom, y);
            }
        }
    }
    if (right < 0)
        return; // an empty item: nothing to place
    for (int attempt = 0; attempt < 30; ++attempt) {
        const int ox = uniformInt(0, scene.width - side), oy = uniformInt(0, scene.height - side);
        const Box box{double(ox + left), double(oy + top), double(right - left + 1),
                      double(bottom - top + 1)};
        const bool clear = std::none_of(scene.objects.begin(), scene.objects.end(), [&](const Annotation &o) {
            return iou(box, o.box) > m_params.maxOverlap;
        });
        if (!clear)
            continue;
        for (int y = 0; y < side; ++y) {
            uint8_t *row = scene.pixels.data() + size_t(oy + y) * size_t(scene.width) + size_t(ox);
            for (int x = 0; x < side; ++x)
                row[x] = std::max(row[x], scaled.at<uint8_t>(y, x));
        }
        scene.objects.push_back({0, item.category, box, 0.0, false});
        return;
    }
}

} // namespace loupe
