import Foundation

/// Which lines of a story are clocks and counters rather than prose, in any of the languages
/// newsrooms publish in most. The rule is by shape, not by what changed: a line that is
/// nothing but an "updated" stamp, a date or time, or a counter ("12,345 views", "3
/// comments") is furniture, and its edits are minor. Every other line is prose, and any
/// change to it, a number included ("rose to 120" -> "1,200", "14:00" -> "18:00"), is news.
public enum NewsLines {
    public enum Kind: Sendable, Equatable {
        case prose
        /// Only white space and punctuation.
        case blank
        /// An "updated"/"published" stamp, a date, a time or a relative time, alone.
        case stamp
        /// A number with a counter word ("views", "Kommentare"), alone.
        case counter
    }

    public static func kind(of line: String) -> Kind {
        let lower = line.lowercased()
        let tokens = tokens(of: lower)
        if tokens.isEmpty { return .blank }
        // Prose is longer than a stamp ever is.
        guard lower.count <= 120, tokens.count <= 24 else { return .prose }
        if isCounter(tokens) { return .counter }
        if isStamp(tokens, lower) { return .stamp }
        return .prose
    }

    /// Runs of letters and runs of digits ("20h13" is "20", "h", "13").
    static func tokens(of lower: String) -> [Substring] {
        var tokens: [Substring] = []
        var start: String.Index?
        var startIsDigit = false
        var index = lower.startIndex
        while index < lower.endIndex {
            let character = lower[index]
            let isDigit = character.isNumber
            let isWord = isDigit || character.isLetter
            if let begun = start, !isWord || isDigit != startIsDigit {
                tokens.append(lower[begun..<index])
                start = nil
            }
            if isWord && start == nil {
                start = index
                startIsDigit = isDigit
            }
            index = lower.index(after: index)
        }
        if let begun = start { tokens.append(lower[begun...]) }
        return tokens
    }

    static func isNumber(_ token: Substring) -> Bool { token.first?.isNumber == true }

    /// A date or time alone, or one with a stamp word: every word is a date, time or stamp
    /// word, and there is a number or a month or weekday name.
    static func isStamp(_ tokens: [Substring], _ lower: String) -> Bool {
        var anchored = false
        for token in tokens {
            if isNumber(token) { anchored = true; continue }
            let word = String(token)
            if calendarWords.contains(word) { anchored = true; continue }
            if stampWords.contains(word) || clockWords.contains(word) || connectors.contains(word) { continue }
            // Ordinals and clock suffixes glued to nothing else: "th", "h", "a.m." split up.
            if word.count == 1 { continue }
            return false
        }
        return anchored
    }

    /// A count and what it counts, nothing else: "12,345 views", "Comments (15)", "1.2K shares",
    /// "5 min read", "3 Kommentare".
    static func isCounter(_ tokens: [Substring]) -> Bool {
        guard tokens.count <= 6, tokens.contains(where: isNumber) else { return false }
        var counted = false
        for token in tokens where !isNumber(token) {
            let word = String(token)
            if counterWords.contains(word) { counted = true; continue }
            if ["k", "m", "mln", "tys", "тыс", "min", "mins", "minute", "minutes", "read", "reading", "time", "de", "da", "di"].contains(word) { continue }
            return false
        }
        return counted
    }

    /// "Updated", "published" and their kin; multi-word phrases are matched word by word.
    static let stampWords: Set<String> = [
        // English
        "updated", "update", "last", "modified", "published", "posted", "first", "edited", "revised", "date", "dated", "time",
        // French
        "mis", "mise", "jour", "à", "modifié", "modifiée", "publié", "publiée", "actualisé", "actualisée", "dernière", "il", "y",
        // German
        "aktualisiert", "zuletzt", "aktualisierung", "geändert", "veröffentlicht", "stand", "erstellt", "zuletzt", "vor",
        // Spanish
        "actualizado", "actualizada", "actualización", "última", "ultima", "modificado", "modificada", "publicado", "publicada", "hace",
        // Italian
        "aggiornato", "aggiornata", "aggiornamento", "ultimo", "modificato", "pubblicato", "pubblicata", "fa",
        // Portuguese
        "atualizado", "atualizada", "atualização", "actualizado", "modificado", "publicado", "há",
        // Dutch
        "bijgewerkt", "laatst", "gewijzigd", "gepubliceerd", "geplaatst", "geleden",
        // Turkish
        "güncellendi", "güncelleme", "güncellenme", "son", "yayınlanma", "yayınlandı", "yayın", "değiştirildi", "tarihi", "önce",
        // Russian
        "обновлено", "обновлён", "обновлен", "обновлена", "изменено", "опубликовано", "последнее", "обновление", "назад", "дата",
        // Polish
        "zaktualizowano", "aktualizacja", "ostatnia", "zmodyfikowano", "opublikowano", "publikacja", "temu",
    ]

    /// Months and weekdays, full and abbreviated (an "anchor": a stamp names a date or a time).
    static let calendarWords: Set<String> = [
        // English
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur",
        "thurs", "fri", "sat", "sun", "today", "yesterday",
        // French
        "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre", "octobre",
        "novembre", "décembre", "decembre", "janv", "févr", "avr", "juil", "déc", "lundi", "mardi", "mercredi", "jeudi",
        "vendredi", "samedi", "dimanche", "aujourd", "hui", "hier",
        // German
        "januar", "jänner", "februar", "märz", "juni", "juli", "oktober", "dezember", "okt", "dez", "montag", "dienstag",
        "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "heute", "gestern",
        // Spanish
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
        "noviembre", "diciembre", "ene", "dic", "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado",
        "sabado", "domingo", "hoy", "ayer",
        // Italian
        "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", "gen", "mag",
        "giu", "lug", "ago", "set", "ott", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "oggi", "ieri",
        // Portuguese
        "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro", "fev", "out",
        "dez", "segunda", "terça", "quarta", "quinta", "sexta", "feira", "hoje", "ontem",
        // Dutch
        "januari", "februari", "maart", "mei", "augustus", "zondag", "maandag", "dinsdag", "woensdag", "donderdag",
        "vrijdag", "zaterdag", "mrt", "vandaag", "gisteren",
        // Turkish
        "ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık",
        "pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar", "bugün", "dün",
        // Russian (months in the genitive, as dates write them)
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря",
        "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
        "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье", "сегодня", "вчера",
        // Polish
        "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października",
        "listopada", "grudnia", "styczeń", "luty", "marzec", "kwiecień", "czerwiec", "lipiec", "sierpień", "wrzesień",
        "październik", "listopad", "grudzień", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela",
        "dzisiaj", "wczoraj",
    ]

    /// Clock and duration words, time zones and ordinal suffixes.
    static let clockWords: Set<String> = [
        "am", "pm", "h", "hr", "hrs", "uhr", "heures", "heure", "hs", "horas", "hora", "ore", "uur", "saat", "час", "часа",
        "часов", "godz", "godzin", "godziny", "min", "mins", "minute", "minutes", "minuten", "minuto", "minutos", "minuti",
        "minut", "minuty", "dakika", "минут", "минуты", "минуту", "second", "seconds", "sekunden", "hour", "hours",
        "stunde", "stunden", "heures", "day", "days", "tage", "tagen", "días", "dias", "giorni", "dagen", "gün", "дня", "дней",
        "dni", "ago", "week", "weeks", "gmt", "utc", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "bst", "cet",
        "cest", "eet", "eest", "msk", "ist", "et", "pt", "ct", "mez", "mesz", "trt", "wib", "st", "nd", "rd", "th", "er",
        "ème", "eme", "º", "ª", "r", "г", "года", "год", "ч",
        // Chinese, Japanese and Korean dates and times split into their unit characters:
        // 2025年5月5日 20:13, 5分前, 3시간 전.
        "年", "月", "日", "时", "時", "分", "秒", "点", "号", "號", "午前", "午後", "上午", "下午", "分钟", "分鐘", "小时", "小時",
        "前", "分前", "時間前", "秒前", "日前", "更新", "更新时间", "更新時間", "发布", "發佈", "公開", "년", "월", "일", "시", "분",
        "초", "전", "오전", "오후", "시간", "업데이트", "입력", "수정",
    ]

    /// Small words that join the parts of a stamp ("le ... à", "am ... um", "el ... a las").
    static let connectors: Set<String> = [
        "on", "at", "of", "and", "by", "le", "la", "les", "du", "de", "des", "et", "am", "um", "den", "der", "des", "ab", "seit",
        "el", "a", "las", "los", "del", "en", "las", "alle", "ore", "il", "di", "dalle", "às", "as", "em", "do", "da", "op",
        "om", "van", "het", "te", "tarihinde", "itibarıyla", "в", "во", "от", "на", "w", "o", "dnia", "z", "i",
    ]

    /// What a counter counts.
    static let counterWords: Set<String> = [
        "view", "views", "comment", "comments", "share", "shares", "like", "likes", "read", "reads", "reaction", "reactions",
        "reply", "replies", "response", "responses", "retweets", "visits",
        "vue", "vues", "commentaire", "commentaires", "partage", "partages", "lecture", "lectures", "réaction", "réactions",
        "aufrufe", "ansichten", "kommentar", "kommentare", "kommentaren", "lesezeit", "leser",
        "vista", "vistas", "visitas", "comentario", "comentarios", "compartidos", "lecturas",
        "visualizzazioni", "commento", "commenti", "letture", "condivisioni",
        "visualizações", "comentário", "comentários", "leituras", "partilhas",
        "weergaven", "reactie", "reacties", "keer", "gelezen",
        "görüntülenme", "okunma", "yorum", "yorumlar", "paylaşım", "beğeni",
        "просмотр", "просмотра", "просмотров", "комментарий", "комментария", "комментариев", "прочтений",
        "wyświetleń", "wyświetlenia", "komentarz", "komentarze", "komentarzy", "odsłon",
    ]
}
