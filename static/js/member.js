// Member pages: the send-code button (JSON request, countdown) and the behaviour captcha.
// Without JavaScript the button submits its form to /codes/send, which answers with a
// flash message and a redirect back, so every page works either way.
(function () {
  'use strict';

  // The widget's script loads only when a captcha is needed. The CSP allows workers from
  // 'self' only, so ALTCHA's vendored PBKDF2 worker is registered once it has loaded.
  var captchaLoading = null;

  function registerCaptchaWorker() {
    var widget = document.querySelector('altcha-widget[data-worker]');
    if (!widget || !window.$altcha || !window.$altcha.algorithms) { return; }
    var url = widget.getAttribute('data-worker');
    ['PBKDF2/SHA-256', 'PBKDF2/SHA-384', 'PBKDF2/SHA-512'].forEach(function (name) {
      window.$altcha.algorithms.set(name, function () { return new Worker(url); });
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadCaptcha(box) {
    if (!captchaLoading) {
      var sources = (box.getAttribute('data-scripts') || '').split(' ').filter(Boolean);
      captchaLoading = sources.reduce(function (chain, src) {
        return chain.then(function () { return loadScript(src); });
      }, Promise.resolve()).then(registerCaptchaWorker);
    }
    return captchaLoading;
  }

  function showStatus(box, text, ok) {
    if (!box) { return; }
    box.textContent = text;
    box.classList.toggle('text-success', !!ok);
    box.classList.toggle('text-danger', !ok);
  }

  function countdown(button, seconds) {
    var label = button.getAttribute('data-label') || button.textContent;
    var template = button.getAttribute('data-wait-text') || '{s}';
    button.setAttribute('data-label', label);
    button.disabled = true;
    var left = Math.max(1, seconds | 0);
    function tick() {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.textContent = template.replace('{s}', String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function revealCaptcha(form) {
    var box = form.querySelector('[data-captcha-box]');
    if (!box) { return; }
    box.classList.remove('d-none');
    loadCaptcha(box);
  }

  function resetCaptcha(form) {
    var widget = form.querySelector('altcha-widget');
    if (widget && typeof widget.reset === 'function') { widget.reset(); }
  }

  function payload(form, button) {
    var data = new FormData();
    var csrf = form.querySelector('input[name="csrf_token"]');
    var source = form.querySelector(button.getAttribute('data-source'));
    var captcha = form.querySelector('input[name="altcha"]');
    data.append('csrf_token', csrf ? csrf.value : '');
    data.append('scene', button.value);
    if (source && source.tagName === 'SELECT') {
      data.append('via', source.value);
    } else if (source) {
      data.append('destination', source.value);
    }
    if (captcha && captcha.value) { data.append('altcha', captcha.value); }
    return data;
  }

  function send(button) {
    var form = button.form;
    var status = form.querySelector('[data-send-code-status]');
    button.disabled = true;
    fetch(button.getAttribute('formaction'), {
      method: 'POST',
      body: payload(form, button),
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-Requested-With': 'fetch' }
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      showStatus(status, answer.message, answer.ok);
      if (answer.captcha) { revealCaptcha(form); }
      if (answer.ok || answer.retry_after) {
        countdown(button, answer.retry_after || 60);
      } else {
        button.disabled = false;
      }
      if (answer.ok) { resetCaptcha(form); }
    }).catch(function () {
      showStatus(status, button.getAttribute('data-error-text'), false);
      button.disabled = false;
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-send-code]');
    if (!button) { return; }
    event.preventDefault();
    send(button);
  });

  document.querySelectorAll('[data-captcha-box]:not(.d-none)').forEach(loadCaptcha);
})();
