/* Page image viewer: progressive enhancement of the thumbnail strip in scan_viewer.html.
 *
 * Without this script every thumbnail is a link to its display image. With it, a stage above
 * the strip shows the selected page with zoom (buttons, +/-, wheel, double-click) and pan
 * (drag, arrow keys); Page Up/Down, and the left and right arrows unless the zoomed page is wider
 * than the view, change page.
 */
(function () {
  "use strict";

  var MIN_ZOOM = 1; // relative to "fit"
  var MAX_ZOOM = 8;
  var STEP = 1.25;
  var PAN_STEP = 60;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function button(action, label, symbol) {
    var node = element("button", { type: "button", "data-action": action, "aria-label": label, title: label });
    node.textContent = symbol;
    return node;
  }

  // Scroll the strip sideways to show a thumbnail, without moving the page itself.
  function revealInStrip(link) {
    var strip = link.closest(".scan-strip");
    if (!strip) return;
    var view = strip.getBoundingClientRect();
    var item = link.parentNode.getBoundingClientRect();
    if (item.left < view.left) strip.scrollLeft -= view.left - item.left;
    else if (item.right > view.right) strip.scrollLeft += item.right - view.right;
  }

  function Viewer(root) {
    this.root = root;
    this.links = Array.prototype.slice.call(root.querySelectorAll("a.scan-thumb"));
    this.index = -1;
    this.fit = 1;
    this.zoom = 1; // multiple of fit
    this.x = 0;
    this.y = 0;
    this.build();
    this.bind();
    this.show(0, false);
  }

  Viewer.prototype.build = function () {
    var stage = element("div", { class: "scan-stage", role: "region", tabindex: "0", "aria-roledescription": "image viewer", "aria-label": "Page image viewer" });
    var toolbar = element("div", { class: "scan-toolbar" });
    this.position = element("span", { class: "scan-position", "aria-live": "polite" });
    this.openLink = element("a", { class: "scan-open", target: "_blank", rel: "noopener" }, "Open image");
    this.downloadLink = element("a", { class: "scan-open", download: "" }, "Download original");
    [
      button("previous", "Previous page", "‹"),
      this.position,
      button("next", "Next page", "›"),
      button("zoom-out", "Zoom out", "−"),
      button("zoom-in", "Zoom in", "+"),
      button("fit", "Fit the page", "Fit"),
      this.openLink,
      this.downloadLink,
    ].forEach(function (node) { toolbar.appendChild(node); });
    this.viewport = element("div", { class: "scan-viewport" });
    this.image = element("img", { class: "scan-image", alt: "", draggable: "false" });
    this.viewport.appendChild(this.image);
    this.caption = element("p", { class: "scan-caption" });
    stage.appendChild(toolbar);
    stage.appendChild(this.viewport);
    stage.appendChild(this.caption);
    this.stage = stage;
    var heading = this.root.querySelector("h2");
    heading.parentNode.insertBefore(stage, heading.nextSibling);
    var keys = this.root.querySelector("[data-viewer-keys]");
    if (keys) keys.hidden = false;
  };

  Viewer.prototype.bind = function () {
    var self = this;
    this.links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        self.show(index, true);
      });
    });
    this.stage.addEventListener("click", function (event) {
      var action = event.target.closest("[data-action]");
      if (action) self.act(action.getAttribute("data-action"));
    });
    this.stage.addEventListener("keydown", function (event) { self.onKey(event); });
    this.viewport.addEventListener("wheel", function (event) {
      event.preventDefault();
      self.zoomAt(event.deltaY < 0 ? STEP : 1 / STEP, self.pointIn(event));
    }, { passive: false });
    this.viewport.addEventListener("dblclick", function (event) {
      self.zoomAt(2, self.pointIn(event));
    });
    this.bindDrag();
    this.image.addEventListener("load", function () {
      self.viewport.classList.remove("is-loading");
      self.refit();
    });
    window.addEventListener("resize", function () { self.reset(true); });
  };

  Viewer.prototype.bindDrag = function () {
    var self = this;
    var start = null;
    this.viewport.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = { x: event.clientX - self.x, y: event.clientY - self.y };
      self.viewport.setPointerCapture(event.pointerId);
      self.viewport.classList.add("is-dragging");
    });
    this.viewport.addEventListener("pointermove", function (event) {
      if (!start) return;
      self.x = event.clientX - start.x;
      self.y = event.clientY - start.y;
      self.apply();
    });
    function stop() {
      start = null;
      self.viewport.classList.remove("is-dragging");
    }
    this.viewport.addEventListener("pointerup", stop);
    this.viewport.addEventListener("pointercancel", stop);
  };

  Viewer.prototype.onKey = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // Left and right pan a page wider than the view, and otherwise turn the page.
    var wide = this.naturalSize().width * this.fit * this.zoom > this.viewport.clientWidth + 1;
    var handled = true;
    switch (event.key) {
      case "ArrowLeft": wide ? this.pan(PAN_STEP, 0) : this.act("previous"); break;
      case "ArrowRight": wide ? this.pan(-PAN_STEP, 0) : this.act("next"); break;
      case "ArrowUp": this.pan(0, PAN_STEP); break;
      case "ArrowDown": this.pan(0, -PAN_STEP); break;
      case "PageUp": this.act("previous"); break;
      case "PageDown": this.act("next"); break;
      case "Home": this.show(0, false); break;
      case "End": this.show(this.links.length - 1, false); break;
      case "+": case "=": this.act("zoom-in"); break;
      case "-": case "_": this.act("zoom-out"); break;
      case "0": this.act("fit"); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  };

  Viewer.prototype.act = function (action) {
    var centre = { x: this.viewport.clientWidth / 2, y: this.viewport.clientHeight / 2 };
    if (action === "previous") this.show(this.index - 1, false);
    else if (action === "next") this.show(this.index + 1, false);
    else if (action === "zoom-in") this.zoomAt(STEP, centre);
    else if (action === "zoom-out") this.zoomAt(1 / STEP, centre);
    else if (action === "fit") this.reset();
  };

  Viewer.prototype.show = function (index, focus) {
    if (index < 0 || index >= this.links.length || index === this.index) {
      if (focus) this.stage.focus();
      return;
    }
    var link = this.links[index];
    if (this.index >= 0) this.links[this.index].removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    this.index = index;
    this.viewport.classList.add("is-loading");
    this.image.width = Number(link.dataset.width) || 0;
    this.image.height = Number(link.dataset.height) || 0;
    this.image.alt = link.dataset.alt || link.dataset.label;
    this.image.src = link.dataset.display;
    this.position.textContent = link.dataset.label + " of " + this.links.length;
    this.caption.textContent = link.dataset.caption || "";
    this.openLink.href = link.dataset.display;
    if (link.dataset.download) {
      this.downloadLink.href = link.dataset.download;
      this.downloadLink.hidden = false;
    } else {
      this.downloadLink.removeAttribute("href");
      this.downloadLink.hidden = true;
    }
    this.stage.querySelector("[data-action=previous]").disabled = index === 0;
    this.stage.querySelector("[data-action=next]").disabled = index === this.links.length - 1;
    revealInStrip(link);
    if (focus) this.stage.focus();
    if (this.image.complete && this.image.naturalWidth) this.viewport.classList.remove("is-loading");
    this.reset(); // with the declared size now, and again once the image has loaded
  };

  Viewer.prototype.naturalSize = function () {
    return {
      width: this.image.naturalWidth || this.image.width || 1,
      height: this.image.naturalHeight || this.image.height || 1,
    };
  };

  Viewer.prototype.reset = function (onlyIfFitted) {
    if (onlyIfFitted && this.zoom > MIN_ZOOM + 0.001) return;
    var size = this.naturalSize();
    var width = this.viewport.clientWidth;
    var height = this.viewport.clientHeight;
    this.fit = Math.min(width / size.width, height / size.height, 1);
    this.zoom = MIN_ZOOM;
    this.x = (width - size.width * this.fit) / 2;
    this.y = (height - size.height * this.fit) / 2;
    this.apply();
  };

  // The image has loaded and its natural size may differ from the declared one: fit it again,
  // keeping a zoom the reader chose while it was loading.
  Viewer.prototype.refit = function () {
    if (this.zoom <= MIN_ZOOM + 0.001) return this.reset();
    var size = this.naturalSize();
    var width = this.viewport.clientWidth;
    var height = this.viewport.clientHeight;
    var fit = Math.min(width / size.width, height / size.height, 1);
    var ratio = fit / this.fit;
    this.x = width / 2 - (width / 2 - this.x) * ratio;
    this.y = height / 2 - (height / 2 - this.y) * ratio;
    this.fit = fit;
    this.apply();
  };

  Viewer.prototype.pointIn = function (event) {
    var box = this.viewport.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };

  Viewer.prototype.zoomAt = function (factor, point) {
    var zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom * factor));
    if (zoom === MIN_ZOOM) return this.reset();
    var ratio = zoom / this.zoom;
    this.x = point.x - (point.x - this.x) * ratio;
    this.y = point.y - (point.y - this.y) * ratio;
    this.zoom = zoom;
    this.apply();
  };

  Viewer.prototype.pan = function (dx, dy) {
    this.x += dx;
    this.y += dy;
    this.apply();
  };

  Viewer.prototype.apply = function () {
    var size = this.naturalSize();
    var scale = this.fit * this.zoom;
    var width = size.width * scale;
    var height = size.height * scale;
    var viewWidth = this.viewport.clientWidth;
    var viewHeight = this.viewport.clientHeight;
    // Keep the page on screen: at most a margin of the view may be empty on each side.
    this.x = width <= viewWidth ? (viewWidth - width) / 2 : Math.min(0, Math.max(viewWidth - width, this.x));
    this.y = height <= viewHeight ? (viewHeight - height) / 2 : Math.min(0, Math.max(viewHeight - height, this.y));
    this.image.style.width = size.width + "px";
    this.image.style.height = size.height + "px";
    this.image.style.transform = "translate(" + this.x + "px, " + this.y + "px) scale(" + scale + ")";
    this.viewport.classList.toggle("is-zoomed", this.zoom > MIN_ZOOM + 0.001);
    this.stage.querySelector("[data-action=zoom-out]").disabled = this.zoom <= MIN_ZOOM + 0.001;
    this.stage.querySelector("[data-action=zoom-in]").disabled = this.zoom >= MAX_ZOOM - 0.001;
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-scan-viewer]"), function (root) {
      if (root.querySelector("a.scan-thumb")) new Viewer(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
