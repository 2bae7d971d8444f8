;;; emacs-e2e.el --- headless Emacs session driven by test/clients/emacs.test.ts  -*- lexical-binding: t -*-
;; Through the shipped client config (client-examples/emacs/testgap-eglot.el or testgap-lsp-mode.el, chosen by the
;; CLIENT environment variable): open a source file of the example project, wait for testgap's diagnostics, pick
;; "Generate tests for `Cart.fromItems`" through the client's own code action command (with the minibuffer answered
;; by this script), save everything, wait for the diagnostic to go, save the source and wait for the coverage
;; notification.  Prints what it sees; exits 0 on success, 1 with a FAIL line otherwise.
(require 'cl-lib)
(require 'seq)
(load "userlock" nil t) ; loaded now, so the answers this script gives below are not replaced when it autoloads
(defun e2e-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun e2e-fail (msg) (e2e-out "FAIL: %s" msg) (kill-emacs 1))

(defvar e2e-client (or (getenv "CLIENT") "eglot"))
(defvar e2e-project (file-name-as-directory (getenv "PROJECT")))
(defvar e2e-server (getenv "TESTGAP_SERVER"))
(defvar e2e-examples (getenv "CLIENT_EXAMPLES"))
(defvar e2e-timeout (/ (string-to-number (or (getenv "STEP_TIMEOUT_MS") "120000")) 1000.0))
(defvar e2e-title "Generate tests for `Cart.fromItems`")

(defun e2e-wait (what predicate)
  "Run the event loop until PREDICATE is true, or fail naming WHAT."
  (let ((deadline (+ (float-time) e2e-timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate) (e2e-fail (format "timed out waiting for %s" what)))))

;; A stand-in for the typescript-mode package (not in Debian); Emacs 30's typescript-ts-mode needs a tree-sitter
;; grammar this machine does not have.  The client configs list `typescript-mode' among their modes.
(unless (fboundp 'typescript-mode)
  (define-derived-mode typescript-mode prog-mode "TypeScript" "Stand-in TypeScript mode for the test."))
(add-to-list 'auto-mode-alist '("\\.ts\\'" . typescript-mode))
(setq make-backup-files nil create-lockfiles nil auto-save-default nil)

(e2e-out "emacs %s; client %s" emacs-version e2e-client)
(setq default-directory e2e-project)
(defvar e2e-source (expand-file-name "src/cart.ts" e2e-project))
(defvar e2e-test-file (expand-file-name "test/cart.test.ts" e2e-project))
(defvar testgap-command)

;; -- The client: its config, and how to read diagnostics and run a code action with it. --------------------------
(pcase e2e-client
  ("eglot"
   (load (expand-file-name "emacs/testgap-eglot.el" e2e-examples) nil t)
   (e2e-out "eglot from %s" (locate-library "eglot"))
   (setq testgap-command (list "node" e2e-server "lsp" "--stdio")
         eglot-sync-connect t
         eglot-events-buffer-config '(:size 0 :format full)))
  ("lsp-mode"
   (load (expand-file-name "emacs/testgap-lsp-mode.el" e2e-examples) nil t)
   ;; What package.el's autoloads give an interactive session; batch Emacs does not load them.
   (load "lsp-mode-autoloads" nil t)
   (e2e-out "lsp-mode %s" (or (ignore-errors (lsp-version)) (bound-and-true-p lsp-mode-version) "?"))
   (setq testgap-command (list "node" e2e-server "lsp" "--stdio")
         lsp-session-file (make-temp-file "lsp-session")
         ;; Batch Emacs never dispatches file-notify events, so lsp-mode's watchers would report nothing.
         lsp-enable-file-watchers nil
         lsp-diagnostics-provider :none
         lsp-restart 'ignore
         lsp-keep-workspace-alive nil
         lsp-enable-suggest-server-download nil
         lsp-log-io nil)
   ;; No questions: the project root is the example project.
   (lsp-workspace-folders-add e2e-project)
   (add-hook 'typescript-mode-hook #'lsp))
  (_ (e2e-fail (format "unknown CLIENT %s" e2e-client))))

(defun e2e-diagnostics ()
  "Messages of testgap's diagnostics for the source file."
  (pcase e2e-client
    ("eglot" (with-current-buffer (get-file-buffer e2e-source)
               (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    ("lsp-mode" (mapcar (lambda (d) (gethash "message" d))
                        (gethash e2e-source (lsp-diagnostics t))))))

(defun e2e-diagnostic-position (needle)
  "Point of the diagnostic whose message contains NEEDLE."
  (pcase e2e-client
    ("eglot" (let ((d (seq-find (lambda (d) (string-match-p (regexp-quote needle) (flymake-diagnostic-text d)))
                                (flymake-diagnostics))))
               (and d (flymake-diagnostic-beg d))))
    ("lsp-mode" (let ((d (seq-find (lambda (d) (string-match-p (regexp-quote needle) (gethash "message" d)))
                                   (gethash e2e-source (lsp-diagnostics t)))))
                  (and d (lsp--position-to-point (gethash "start" (gethash "range" d))))))))

(defun e2e-run-code-action ()
  "Pick `e2e-title' the way a user would, through the client's own command and minibuffer."
  (let ((offered nil))
    (cl-letf (((symbol-function 'y-or-n-p)
               ;; Eglot asks before applying a server's edit; the user says yes.
               (lambda (prompt) (e2e-out "confirm: %s -> y" (replace-regexp-in-string "\n" " " prompt)) t))
              ((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (setq offered (mapcar (lambda (c) (if (consp c) (car c) c))
                                       (if (functionp collection) (all-completions "" collection) collection)))
                 (or (seq-find (lambda (title) (string= (substring-no-properties title) e2e-title)) offered)
                     (e2e-fail (format "not offered; offered: %S" offered))))))
      (pcase e2e-client
        ("eglot" (let ((last-nonmenu-event 13)) ; a key, not a mouse click: Eglot then asks in the minibuffer
                   (eglot-code-actions (point) (point) nil t)))
        ("lsp-mode" (lsp-execute-code-action (lsp--select-action (lsp-code-actions-at-point))))))
    (e2e-out "offered: %s" (mapconcat #'substring-no-properties offered " | "))))

;; -- The session. -------------------------------------------------------------------------------------------------
(find-file e2e-source)
(when (equal e2e-client "eglot") (apply #'eglot (eglot--guess-contact)))
(e2e-wait "testgap diagnostics" (lambda () (e2e-diagnostics)))
(e2e-wait "the diagnostic for Cart.fromItems"
          (lambda () (seq-some (lambda (m) (string-match-p "Cart.fromItems" m)) (e2e-diagnostics))))
(dolist (m (e2e-diagnostics)) (e2e-out "diagnostic: %s" m))

(goto-char (e2e-diagnostic-position "Cart.fromItems"))
(e2e-run-code-action)
(e2e-wait "the generated section in test/cart.test.ts"
          (lambda () (let ((b (get-file-buffer e2e-test-file)))
                       (and b (with-current-buffer b
                                (save-excursion (goto-char (point-min))
                                                (search-forward "// testgap: src/cart.ts#Cart.fromItems" nil t)))))))
(e2e-out "applied: %s -> test/cart.test.ts" e2e-title)
(cl-letf (((symbol-function 'yes-or-no-p)
           ;; lsp-mode 8.0.0 (Debian's) applies the text edit before the CreateFile that precedes it, so the new
           ;; file appears on disk after its buffer was made and saving asks twice; the user answers yes
           ;; (fixed upstream after 8.0.0: emacs-lsp/lsp-mode#3234).
           (lambda (prompt) (e2e-out "confirm: %s -> yes" prompt) t))
          ((symbol-function 'ask-user-about-supersession-threat)
           (lambda (file) (e2e-out "confirm: %s changed on disk; edit anyway -> yes" (file-name-nondirectory file)) nil)))
  (save-some-buffers t))
(e2e-wait "the diagnostic for Cart.fromItems to go"
          (lambda () (not (seq-some (lambda (m) (string-match-p "Cart.fromItems" m)) (e2e-diagnostics)))))
(e2e-out "diagnostic for Cart.fromItems gone; now %d testgap diagnostics" (length (e2e-diagnostics)))

;; Saving the source: the server re-runs the affected tests under coverage and says so.
(defun e2e-get (obj key) (if (hash-table-p obj) (gethash (substring (symbol-name key) 1) obj) (plist-get obj key)))
(setq testgap-coverage nil)
(with-current-buffer (get-file-buffer e2e-source)
  (set-buffer-modified-p t)
  (save-buffer))
(e2e-wait "a testgap/coverage notification that is not stale"
          (lambda () (and testgap-coverage (not (eq (e2e-get testgap-coverage :stale) t)))))
(let ((source-uri (concat "file://" e2e-source)))
  (seq-doseq (f (e2e-get testgap-coverage :files))
    (when (equal (e2e-get f :uri) source-uri)
      (e2e-out "coverage: src/cart.ts lines %s %%, branches %s %%"
               (e2e-get (e2e-get f :lines) :pct) (e2e-get (e2e-get f :branches) :pct)))))
(e2e-out "coverage total: lines %s %%" (e2e-get (e2e-get (e2e-get testgap-coverage :total) :lines) :pct))
(e2e-out "OK")
(pcase e2e-client
  ("eglot" (eglot-shutdown (eglot-current-server)))
  ("lsp-mode" (lsp-workspace-shutdown (car (lsp-workspaces)))))
(kill-emacs 0)
