"""Citation URLs, from the source index of ``lmia-domain.md`` §12 (tags ``[Sx]`` kept as names).

Each rule cites one source: among the sources the research lists for that rule (§10, else the
section the catalog names), a government or official page when there is one, else the first
listed. Only https addresses are used (S16 and S161 are http-only and are not cited).
"""

S1 = "https://www.canada.ca/en/employment-social-development/services/foreign-workers/median-wage/high/requirements.html"  # noqa: E501
S3 = "https://www.canada.ca/en/employment-social-development/services/foreign-workers/refusal.html"
S9 = "https://www.canada.ca/en/employment-social-development/services/foreign-workers/business-legitimacy.html"  # noqa: E501
S12 = "https://www.canada.ca/en/immigration-refugees-citizenship/services/work-canada/hire-foreign-worker/permanent/skilled/make-job-offer.html"  # noqa: E501
S13 = "https://ircc.canada.ca/english/helpcentre/answer.asp?qnum=1200&top=17"
S20 = "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2002-227/section-209.3-20220926.html"
S22 = "https://immigrationpolicytracker.ca/record/pc2022-0706-regulations-amending-the-immigration-and-refugee-protection-regulations-temporary-foreign-workers/"  # noqa: E501
S26 = "https://www.bellalliance.ca/2022/10/19/new-employer-obligations-when-hiring-foreign-workers-now-in-effect/"  # noqa: E501
S34 = "https://randrlaw.ca/assets/blogs/high-wagelmiarecruitmentessentials_blog"
S35 = "https://canadavisa.com/canada-immigration-discussion-board/goto/post?id=10413146"
S36 = "https://millarslaw.com/lmia-advertising-easy-as-123/"
S37 = "https://www.fragomen.com/insights/labour-market-impact-assessment-applications-to-be-subject-to-expanded-advertising-requirements.html"  # noqa: E501
S38 = "https://go4visa.com/2018/05/21/recruitment-and-advertisement-high-wage-positions-in-home-caregiver/2"  # noqa: E501
S41 = "https://go4visa.com/2021/07/22/2021-lmia-hire-a-agricultural-temporary-foreign-worker-non-seasonal/4/"  # noqa: E501
S42 = "https://www.mondaq.com/canada/employee-rights-labour-relations/353104/what-they-didnt-tell-you-internal-government-directives-and-their-impact-on-canadian-work-permit-applications"  # noqa: E501
S45 = "https://meurrensonimmigration.com/lmia-language-restrictions/"
S46 = "https://openparliament.ca/committees/public-accounts/42-1/75/louise-levonian-2/only"
S51 = "https://mathewsdinsdale.com/new-esdc-requirements-for-job-bank-lmia-advertising-effective-september-2025"  # noqa: E501
S55 = "https://farmsontario.ca/how-to-apply/advertisement-recruitment/"
S59 = "https://canadavisa.com/variations-to-minimum-advertising-requirements-lmia.html"
S69 = "https://www.cicnews.com/2025/03/quebec-extends-suspension-of-low-wage-lmias-in-montreal-adds-laval-0352153.html"  # noqa: E501
S74 = "https://chambers.com/articles/the-main-impacts-of-the-adoption-of-the-act-respecting-french-on-qu%C3%A9bec-employers"  # noqa: E501
S76 = "https://www.cnesst.gouv.qc.ca/clienteles/agences-de-placement/Pages/placement-personnel-recruitment-en.aspx"  # noqa: E501
S79 = "https://gowlingwlg.com/en-ca/insights-resources/articles/2024/changes-to-the-high-wage-lmia-stream"  # noqa: E501
S86 = "https://gowlingwlg.com/en-ca/insights-resources/articles/2024/canada-updates-prevailing-wage-data"  # noqa: E501
S87 = "https://www.visavio.ca/immigration-post/blog.php?slug=breaking-lmia-prevailing-wage-rules-that-block-40-of-applications"  # noqa: E501
S90 = "https://sherrardkuzz.com/newsblast/new-restrictions-on-low-wage-stream-of-temporary-foreign-workers-program"  # noqa: E501
S104 = "https://recruitwithoutborders.com/compliance-obligations/"
S111 = "https://www.sosaanimmigration.ca/pages/old/immigration-services/lmia-work-permit-canada/high-wage-worker-stream-canada"  # noqa: E501
S115 = "https://fdocuments.net/document/labour-market-impact-assessment-application-high-wage-labour-market-impact.html"  # noqa: E501
S121 = "https://iais.ca/skilled-worker"
S131 = "https://tiac-aitc.ca/cgi/page.cgi/_zine.html/TopStories/Recruitment_of_Workers"
S133 = "https://college-ic.ca/protecting-the-public/find-an-immigration-consultant"
S142 = "https://www2.gov.bc.ca./gov/content/employment-business/employment-standards-advice/employment-standards/hiring/hire-temporary-foreign-workers"  # noqa: E501
S145 = "https://www.manitoba.ca/labour/standards/doc,wrpa-license_info,factsheet.html"
S149 = "https://saskatchewan.ca/residents/moving-to-saskatchewan/hire-a-foreign-worker/employer-responsibilities-with-foreign-workers"  # noqa: E501
S150 = "https://saskatchewan.ca/residents/moving-to-saskatchewan/provide-immigration-services/immigration-consultant-and-foreign-worker-recruiter-licensing-and-responsibilities"  # noqa: E501
S152 = "https://novascotia.ca/lae/employmentrights/FW/ForeignWorker_Employer_Registration_Information.asp"  # noqa: E501
S160 = "https://www.mondaq.com:443/canada/employee-rights-labour-relations/1477422/reminder-temporary-help-agency-and-recruiter-licensing-takes-effect-on-july-1-2024"  # noqa: E501
S162 = "https://acsess.org/about-us/chapters/calgary-chapter/agency-licensing"
S166 = "https://www23.statcan.gc.ca/imdb/pUtil.pl?Function=getNote&Id=1380438&NT=45"
S175 = "https://reports.cmf-fja.gc.ca/fja-cmf/d/en/item/521003/index.do?iframe=true"

# Not in the §12 index (researched 2026-12-04 for ruleset 2): Prince Edward Island's page on its
# Temporary Foreign Worker Protection Act (recruiter licences from 2025-04-01, grace to 2025-07-01).
PE_TFWPA = "https://princeedwardisland.ca/en/information/workforce-advanced-learning-and-population/temporary-foreign-worker-protection-act"  # noqa: E501
