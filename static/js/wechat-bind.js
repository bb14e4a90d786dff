// The WeChat bind page: ask /account/wechat/status every two seconds until the scan has
// bound the member (then back to the account page) or the QR code expires. Without
// JavaScript the member goes back to the account page by the link and sees the binding.
(function () {
  'use strict';

  var box = document.querySelector('[data-wechat-poll]');
  if (!box) { return; }
  var statusUrl = box.getAttribute('data-wechat-poll');
  var doneUrl = box.getAttribute('data-done-url');
  var deadline = Date.now() + 1000 * (parseInt(box.getAttribute('data-expires-in'), 10) || 600);
  var INTERVAL = 2000;

  function show(name) {
    ['waiting', 'done', 'expired'].forEach(function (part) {
      var node = box.querySelector('[data-wechat-' + part + ']');
      if (node) { node.classList.toggle('d-none', part !== name); }
    });
  }

  function poll() {
    if (Date.now() > deadline) {
      show('expired');
      return;
    }
    fetch(statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && answer.bound) {
          show('done');
          window.location.assign(doneUrl);
          return;
        }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () { window.setTimeout(poll, INTERVAL); });
  }

  window.setTimeout(poll, INTERVAL);
}());
