// The SMS template editor's live length counter. The same rules as
// services/templates/sms_length.py (keep the two in step): GSM-7 160 / 153 per part,
// extension characters count twice; anything else is UCS-2, 70 / 67 per part, counted in
// UTF-16 code units; a part never splits a character. Variables are counted with their
// sample values; Preview gives the exact count.
(function () {
  var box = document.getElementById('sms-length');
  var source = document.getElementById('text');
  if (!box || !source) { return; }
  var BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var EXTENSION = '\f^{}\\[~]|€';
  var LIMITS = {'GSM-7': [160, 153], 'UCS-2': [70, 67]};
  var sign = box.getAttribute('data-sign') || '';
  var samples = JSON.parse(box.getAttribute('data-samples') || '{}');

  function filled(text) {
    // {{ name|filter }} -> the sample of name; {% ... %} tags and {# ... #} comments vanish.
    return text.replace(/\{#[\s\S]*?#\}/g, '').replace(/\{%[\s\S]*?%\}/g, '')
      .replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)[\s\S]*?\}\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(samples, name) ? samples[name] : all;
      });
  }

  function measure(text) {
    var head = sign ? '【' + sign + '】' : '';
    var shown = head && text.indexOf(head) !== 0 ? head + text : text;
    var chars = Array.from(shown);
    var gsm = chars.every(function (ch) {
      return BASIC.indexOf(ch) >= 0 || EXTENSION.indexOf(ch) >= 0;
    });
    var encoding = gsm ? 'GSM-7' : 'UCS-2';
    var sizes = chars.map(function (ch) {
      return gsm ? (EXTENSION.indexOf(ch) >= 0 ? 2 : 1) : ch.length;
    });
    var units = sizes.reduce(function (a, b) { return a + b; }, 0);
    var segments = 0;
    if (units > 0 && units <= LIMITS[encoding][0]) {
      segments = 1;
    } else if (units > 0) {
      var used = 0;
      segments = 1;
      sizes.forEach(function (size) {
        if (used + size > LIMITS[encoding][1]) { segments += 1; used = 0; }
        used += size;
      });
    }
    return {encoding: encoding, units: units, segments: segments};
  }

  function show() {
    var length = measure(filled(source.value));
    box.querySelector('[data-sms-units]').textContent = length.units;
    box.querySelector('[data-sms-segments]').textContent = length.segments;
    box.querySelector('[data-sms-encoding]').textContent = length.encoding;
    box.querySelector('[data-sms-multi]').classList.toggle('d-none', length.segments <= 1);
  }

  source.addEventListener('input', show);
  box.classList.remove('d-none');
  show();
})();
