/*
 * Beatdesk's live character counter: counts a post, signature included, the way each network
 * will, exactly as the server does (beatdesk/networks/text.py). The URL, mention and emoji
 * patterns and the weights come from the server in the JSON, so there is one source for them.
 *
 * Markup contract (the server renders it; the page works without this script, when the
 * server's validation tells the officer the same thing after submitting):
 *
 *   <textarea id="post-text" name="text"
 *             data-counter="{{ counter_config }}"          JSON from text.counter_config()
 *             aria-describedby="post-text-count"></textarea>
 *   <output id="post-text-count" for="post-text" aria-live="polite"></output>
 *
 * - data-counter: {"signature": "^JH", "patterns": {name: source, ...}, "rules": [{network,
 *   label, limit, method, byte_limit, url_length, normalize, url_pattern, mention_pattern,
 *   weights?, emoji_pattern?}, ...]}; a rule's *_pattern is a name in "patterns".
 *   The signature is appended on its own line after trimming trailing space, as
 *   people.signatures.sign() does; an empty signature appends nothing.
 * - The output is the first <output> named in the textarea's aria-describedby (or the element
 *   whose id is in data-counter-output). The script fills it with one line per network,
 *   "X: 250 / 280", "X: 292 / 280, over by 12", "Bluesky: 120 / 300 (3,040 / 3,000 bytes,
 *   over by 40 bytes)". The visible lines update on every keystroke and are hidden from
 *   assistive technology; a visually hidden summary is updated once typing pauses, so a
 *   screen reader hears the count without a word per keystroke.
 * - State for styling and tests: the textarea and the output get data-counter-state="ok" or
 *   "over"; each line has data-network and data-count (and data-bytes) attributes.
 *
 * No inline scripts or styles (the Content Security Policy forbids them): load this file with
 * <script src="{% static 'beatdesk/counter.js' %}" nonce="{{ csp_nonce }}" defer></script>
 * and its styles with <link rel="stylesheet" href="{% static 'beatdesk/counter.css' %}">.
 * Django's autoescaping makes the JSON safe inside the double-quoted data-counter attribute.
 * Bluesky's bytes are shown once the text passes 90% of the byte limit.
 * The script exposes window.BeatdeskCounter ({rulesFrom, measure, signed, attach, attachAll})
 * for tests and for other scripts; textareas added later by htmx get a counter on htmx:load.
 */
(function () {
  "use strict";

  var segmenter =
    typeof Intl !== "undefined" && Intl.Segmenter
      ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
      : null;
  var encoder = new TextEncoder();
  var compiled = {};
  var SPEAK_DELAY_MS = 1000;
  var LONG_TEXT = 3000;
  var LONG_TEXT_DELAY_MS = 200;

  function pattern(source, flags) {
    var key = flags + ":" + source;
    if (!compiled[key]) compiled[key] = new RegExp(source, flags);
    return compiled[key];
  }

  function graphemes(text) {
    // Browsers without Intl.Segmenter (Firefox before 125) count code points instead: an
    // over-count for emoji, never an under-count; the server has the final word.
    if (!segmenter) return Array.from(text);
    var out = [];
    for (var piece of segmenter.segment(text)) out.push(piece.segment);
    return out;
  }

  function codePointCount(text) {
    var n = 0;
    for (var _ of text) n += 1;
    return n;
  }

  function normaliseNewlines(text) {
    return text.replace(/\r\n?/g, "\n");
  }

  // Python's str.isspace(), which str.rstrip() uses (String.trimEnd differs: it strips U+FEFF
  // and keeps U+001C-U+001F and U+0085).
  var PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

  function rstrip(text) {
    var end = text.length;
    while (end > 0 && PY_SPACE.test(text[end - 1])) end -= 1;
    return text.slice(0, end);
  }

  function signed(text, signature) {
    // As people.signatures.sign(): the signature on its own line after the trimmed text.
    var body = rstrip(text);
    return signature ? body + "\n" + signature : body;
  }

  function pointWeight(point, weights) {
    var inRange = weights.ranges.some(function (r) {
      return r[0] <= point && point <= r[1];
    });
    return inRange ? weights.in_range : weights["default"];
  }

  // A single code point below U+231A (the first emoji shown as emoji by default) is never an
  // emoji on its own, so most text skips the emoji pattern (as text.py does).
  var FIRST_EMOJI_PRESENTATION = 0x231a;

  function xWeight(cluster, rule, emojiRe, cache) {
    var known = cache.get(cluster);
    if (known !== undefined) return known;
    var weights = rule.weights;
    var total = 0;
    var first = cluster.codePointAt(0);
    var single = cluster.length === (first > 0xffff ? 2 : 1);
    if (single && first < FIRST_EMOJI_PRESENTATION) {
      total = pointWeight(first, weights);
    } else if (emojiRe.test(cluster)) {
      total = weights.emoji;
    } else {
      for (var ch of cluster) total += pointWeight(ch.codePointAt(0), weights);
    }
    cache.set(cluster, total);
    return total;
  }

  function xWeighted(text, rule) {
    var urlRe = pattern(rule.url_pattern, "giu");
    var emojiRe = pattern(rule.emoji_pattern, "u");
    var urlLength = rule.url_length || 23;
    var total = 0;
    var position = 0;
    var cache = new Map(); // text repeats its characters: weigh each one once
    var weigh = function (piece) {
      graphemes(piece).forEach(function (c) {
        total += xWeight(c, rule, emojiRe, cache);
      });
    };
    urlRe.lastIndex = 0;
    var match;
    while ((match = urlRe.exec(text)) !== null) {
      if (match[0] === "") {
        urlRe.lastIndex += 1;
        continue;
      }
      weigh(text.slice(position, match.index));
      total += urlLength;
      position = match.index + match[0].length;
    }
    weigh(text.slice(position));
    return total;
  }

  function shortenMentions(text, rule) {
    if (!rule.mention_pattern) return text;
    return text.replace(pattern(rule.mention_pattern, "giu"), function (_, user) {
      return "@" + user;
    });
  }

  function countable(text, rule) {
    if (!(rule.url_pattern && rule.url_length)) return shortenMentions(text, rule);
    var urlRe = pattern(rule.url_pattern, "giu");
    var placeholder = "x".repeat(rule.url_length);
    var pieces = [];
    var position = 0;
    var match;
    urlRe.lastIndex = 0;
    while ((match = urlRe.exec(text)) !== null) {
      if (match[0] === "") {
        urlRe.lastIndex += 1;
        continue;
      }
      pieces.push(shortenMentions(text.slice(position, match.index), rule));
      pieces.push(placeholder);
      position = match.index + match[0].length;
    }
    pieces.push(shortenMentions(text.slice(position), rule));
    return pieces.join("");
  }

  /* The rules of a data-counter config with their patterns' names replaced by the patterns. */
  function rulesFrom(config) {
    var patterns = config.patterns || {};
    return config.rules.map(function (rule) {
      var resolved = Object.assign({}, rule);
      ["url_pattern", "mention_pattern", "emoji_pattern"].forEach(function (key) {
        if (rule[key]) resolved[key] = patterns[rule[key]];
      });
      return resolved;
    });
  }

  /* Count signed text under one resolved rule (see rulesFrom): {network, count, limit, over_by, ok, bytes, byte_limit}. */
  function measure(text, rule) {
    text = normaliseNewlines(text);
    if (rule.normalize) text = text.normalize(rule.normalize);
    var count;
    if (rule.method === "x-weighted") {
      count = xWeighted(text, rule);
    } else {
      var c = countable(text, rule);
      count = rule.method === "graphemes" ? graphemes(c).length : codePointCount(c);
    }
    var bytes = encoder.encode(text).length;
    var overBy = Math.max(0, count - rule.limit);
    var bytesOver = rule.byte_limit == null ? 0 : Math.max(0, bytes - rule.byte_limit);
    return {
      network: rule.network,
      count: count,
      limit: rule.limit,
      over_by: overBy,
      ok: overBy === 0 && bytesOver === 0,
      bytes: bytes,
      byte_limit: rule.byte_limit == null ? null : rule.byte_limit,
      bytes_over_by: bytesOver,
    };
  }

  function number(n) {
    return n.toLocaleString("en-GB");
  }

  function describe(rule, m) {
    var line = rule.label + ": " + number(m.count) + " / " + number(m.limit);
    if (m.over_by) line += ", over by " + number(m.over_by);
    if (m.byte_limit != null && (m.bytes_over_by || m.bytes > m.byte_limit * 0.9)) {
      line += " (" + number(m.bytes) + " / " + number(m.byte_limit) + " bytes";
      if (m.bytes_over_by) line += ", over by " + number(m.bytes_over_by) + " bytes";
      line += ")";
    }
    return line;
  }

  function summary(config, results) {
    var over = [];
    results.forEach(function (m, i) {
      if (m.ok) return;
      var rule = config.rules[i];
      var parts = [];
      if (m.over_by) parts.push(number(m.over_by) + (m.over_by === 1 ? " character" : " characters"));
      if (m.bytes_over_by) parts.push(number(m.bytes_over_by) + (m.bytes_over_by === 1 ? " byte" : " bytes"));
      over.push("Too long for " + rule.label + " by " + parts.join(" and ") + ".");
    });
    if (over.length) return over.join(" ");
    return results
      .map(function (m, i) {
        var left = m.limit - m.count;
        return config.rules[i].label + ": " + number(left) + (left === 1 ? " character" : " characters") + " left";
      })
      .join(", ") + ".";
  }

  function findOutput(textarea) {
    var id = textarea.getAttribute("data-counter-output");
    if (id) return document.getElementById(id);
    var ids = (textarea.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      var el = ids[i] && document.getElementById(ids[i]);
      if (el && el.tagName === "OUTPUT") return el;
    }
    return null;
  }

  function attach(textarea) {
    if (textarea.beatdeskCounter) return textarea.beatdeskCounter;
    var config;
    try {
      config = JSON.parse(textarea.getAttribute("data-counter"));
    } catch (e) {
      return null; // The server still validates; a broken config must not break the form.
    }
    var output = findOutput(textarea);
    if (!output || !config || !Array.isArray(config.rules)) return null;
    var rules = rulesFrom(config);

    output.textContent = "";
    var list = document.createElement("ul");
    list.className = "counter-lines";
    list.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    output.appendChild(list);
    output.appendChild(spoken);
    var timer = null;

    function update(speakNow) {
      var text = signed(textarea.value, config.signature || "");
      var results = rules.map(function (rule) {
        return measure(text, rule);
      });
      list.textContent = "";
      results.forEach(function (m, i) {
        var li = document.createElement("li");
        li.textContent = describe(config.rules[i], m);
        li.setAttribute("data-network", m.network);
        li.setAttribute("data-count", String(m.count));
        li.setAttribute("data-bytes", String(m.bytes));
        li.setAttribute("data-counter-state", m.ok ? "ok" : "over");
        list.appendChild(li);
      });
      var state = results.every(function (m) {
        return m.ok;
      })
        ? "ok"
        : "over";
      textarea.setAttribute("data-counter-state", state);
      output.setAttribute("data-counter-state", state);
      var say = function () {
        spoken.textContent = summary(config, results);
      };
      clearTimeout(timer);
      if (speakNow) say();
      else timer = setTimeout(say, SPEAK_DELAY_MS);
      return results;
    }

    // Short posts are counted on every keystroke; a long paste waits for a pause in typing,
    // so counting tens of thousands of characters never makes typing lag.
    var pending = null;
    textarea.addEventListener("input", function () {
      clearTimeout(pending);
      if (textarea.value.length <= LONG_TEXT) update(false);
      else pending = setTimeout(update, LONG_TEXT_DELAY_MS, false);
    });
    var api = { update: update, config: config };
    textarea.beatdeskCounter = api;
    update(true);
    return api;
  }

  function attachAll(root) {
    (root || document).querySelectorAll("textarea[data-counter]").forEach(attach);
  }

  window.BeatdeskCounter = {
    rulesFrom: rulesFrom,
    measure: measure,
    signed: signed,
    attach: attach,
    attachAll: attachAll,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      attachAll(document);
    });
  } else {
    attachAll(document);
  }
  // Composer parts added by htmx (a new thread part) get a counter too.
  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    if (el.matches && el.matches("textarea[data-counter]")) attach(el);
    else if (el.querySelectorAll) attachAll(el);
  });
})();
