#include "analysis/maps/umapschedule.h"

#include <algorithm>

#include "analysis/maps/umapgraph.h"

namespace loupe {

namespace {

/**
 * Breadth-first order of the graph (restarting at the lowest unvisited vertex): a point's
 * neighbours get numbers close to its own, so that a contiguous range of numbers is a
 * region of the manifold with few edges leaving it.
 */
std::vector<qint32> breadthFirstOrder(const UmapGraph &graph)
{
    const qint64 n = graph.vertices;
    std::vector<qint32> order;
    order.reserve(size_t(n));
    std::vector<char> seen(size_t(n), 0);
    for (qint64 start = 0; start < n; ++start) {
        if (seen[size_t(start)])
            continue;
        seen[size_t(start)] = 1;
        order.push_back(qint32(start));
        for (size_t next = order.size() - 1; next < order.size(); ++next) {
            const qint32 v = order[next];
            for (qint64 e = graph.rowStart[size_t(v)]; e < graph.rowStart[size_t(v) + 1]; ++e) {
                const qint32 t = graph.tails[size_t(e)];
                if (!seen[size_t(t)]) {
                    seen[size_t(t)] = 1;
                    order.push_back(t);
                }
            }
        }
    }
    return order;
}

/** Splits [0, n) into `parts` contiguous ranges of about equal total load. */
std::vector<qint64> balancedCuts(const std::vector<double> &load, int parts)
{
    double total = 0.0;
    for (double l : load)
        total += l;
    std::vector<qint64> cuts(size_t(parts) + 1, qint64(load.size()));
    cuts[0] = 0;
    double running = 0.0;
    int part = 1;
    for (qint64 v = 0; v < qint64(load.size()) && part < parts; ++v) {
        running += load[size_t(v)];
        while (part < parts && running >= total * part / parts)
            cuts[size_t(part++)] = v + 1;
    }
    return cuts;
}

} // namespace

UmapSchedule makeUmapSchedule(const UmapGraph &graph, int epochs, int negativeRate, int parts, bool renumber)
{
    const qint64 n = graph.vertices;
    parts = std::max(1, parts);
    const float largest =
        graph.weights.empty() ? 0.0f : *std::max_element(graph.weights.begin(), graph.weights.end());
    const float threshold = largest / float(std::max(1, epochs));
    const auto kept = [&](qint64 e) {
        const float w = graph.weights[size_t(e)];
        return w >= threshold && w > 0.0f;
    };

    UmapSchedule s;
    if (renumber)
        s.order = breadthFirstOrder(graph);
    std::vector<qint32> rank;
    if (renumber) {
        rank.resize(size_t(n));
        for (qint64 v = 0; v < n; ++v)
            rank[size_t(s.order[size_t(v)])] = qint32(v);
    }
    const auto oldOf = [&](qint64 v) {
        return renumber ? qint64(s.order[size_t(v)]) : v;
    };

    // Expected samples per epoch of each (new) vertex's edges: what a part's thread must do.
    std::vector<double> load(size_t(n), 0.0);
    for (qint64 v = 0; v < n; ++v) {
        const qint64 old = oldOf(v);
        for (qint64 e = graph.rowStart[size_t(old)]; e < graph.rowStart[size_t(old) + 1]; ++e)
            load[size_t(v)] += kept(e) ? graph.weights[size_t(e)] / largest : 0.0;
    }
    const std::vector<qint64> cuts = balancedCuts(load, parts);

    const auto add = [&](qint64 head, qint64 e) {
        const float every = largest / graph.weights[size_t(e)];
        const float everyNegative = every / float(std::max(1, negativeRate));
        const qint32 tail = graph.tails[size_t(e)];
        s.heads.push_back(qint32(head));
        s.tails.push_back(renumber ? rank[size_t(tail)] : tail);
        s.epochsPerSample.push_back(every);
        s.nextSample.push_back(every);
        s.epochsPerNegative.push_back(everyNegative);
        s.nextNegative.push_back(everyNegative);
    };
    s.partStart.push_back(0);
    for (int p = 0; p < parts; ++p) {
        // Round-robin over the part's heads: bucket the kept edges by their slot in their row.
        std::vector<std::vector<std::pair<qint32, qint64>>> slots;
        for (qint64 v = cuts[size_t(p)]; v < cuts[size_t(p) + 1]; ++v) {
            const qint64 old = oldOf(v);
            size_t slot = 0;
            for (qint64 e = graph.rowStart[size_t(old)]; e < graph.rowStart[size_t(old) + 1]; ++e) {
                if (!kept(e))
                    continue;
                if (slots.size() <= slot)
                    slots.emplace_back();
                slots[slot++].emplace_back(qint32(v), e);
            }
        }
        for (const auto &slot : slots)
            for (const auto &[head, e] : slot)
                add(head, e);
        s.partStart.push_back(s.edges());
    }
    return s;
}

} // namespace loupe
