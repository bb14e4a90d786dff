// Confirmation before destructive actions: <form data-confirm="Really?">.
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);

// Settings tabs list every gateway's fields; show the active one (and SMS fallbacks)
// unless the admin asks for all. Without JavaScript every section stays visible.
(function () {
  var form = document.querySelector('form[data-gateway-select]');
  if (!form) { return; }
  var select = form.querySelector('[name="' + form.getAttribute('data-gateway-select') + '"]');
  var fallbacks = form.querySelector('[name="sms__fallbacks"]');
  var showAll = form.querySelector('[data-show-all-gateways]');
  var expanded = false;
  function wanted() {
    var names = [select ? select.value : ''];
    if (fallbacks) {
      fallbacks.value.split(',').forEach(function (n) { names.push(n.trim()); });
    }
    return names;
  }
  function refresh() {
    var names = wanted();
    form.querySelectorAll('fieldset[data-gateway]').forEach(function (fieldset) {
      var invalid = fieldset.querySelector('.is-invalid');
      var show = expanded || invalid || names.indexOf(fieldset.getAttribute('data-gateway')) >= 0;
      fieldset.classList.toggle('d-none', !show);
    });
  }
  if (showAll) {
    showAll.classList.remove('d-none');
    showAll.addEventListener('click', function () {
      expanded = !expanded;
      refresh();
    });
  }
  if (select) { select.addEventListener('change', refresh); }
  if (fallbacks) { fallbacks.addEventListener('input', refresh); }
  refresh();
})();
